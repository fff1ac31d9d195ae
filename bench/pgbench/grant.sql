-- grantConsent of one purpose as it is sent (no caller's transaction: optimistic, ADR 050):
-- append.sql plus the catalog read its decision makes (purposes, current policy versions, the
-- purpose's wordings: one statement) and the OutboxMessage INSERT inside the append's statement.
\set n random(1, :nsubjects)
\set r random(1, 2000000000)
SELECT r->'subject'->>'id' AS id, (r->'subject'->>'lastSeq')::int AS last_seq,
  coalesce(r->'subject'->>'lastHash', repeat('0', 64)) AS last_hash,
  coalesce(r->'subject'->>'auth0UserId', '') AS auth0_user_id, (r->'subject'->>'emailVerifiedAt') IS NULL AS unverified
  FROM (SELECT read_subject_for_append((SELECT b.id FROM bench_grant_subject b WHERE b.n = :n), 'k' || :r::text,
    ARRAY['consent.granted', 'consent.withdrawn', 'subject.erased']::text[]) AS r) AS read \gset
SELECT
  (SELECT coalesce(json_agg(json_build_object('id', id, 'key', key, 'title', title, 'required', required,
      'policyKind', policy_kind, 'requiresVerifiedEmail', requires_verified_email) ORDER BY key), '[]')
    FROM "Purpose") AS purposes,
  (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'textSha256', text_sha256)), '[]')
    FROM (SELECT DISTINCT ON (kind) id, kind, text_sha256 FROM "PolicyVersion"
          ORDER BY kind, published_at DESC, id DESC) AS current) AS "currentPolicies",
  (SELECT coalesce(json_agg(json_build_object('id', v.id, 'purposeId', v.purpose_id, 'version', v.version,
      'textSha256', v.text_sha256) ORDER BY v.purpose_id, v.version), '[]')
    FROM "PurposeVersion" v JOIN "Purpose" p ON p.id = v.purpose_id
    WHERE p.key = ANY(ARRAY['analytics']::text[])) AS wordings;
WITH guard AS MATERIALIZED (
  SELECT id FROM "Subject" WHERE id = :id::uuid AND last_seq = :last_seq::int AND erased_at IS NULL
    AND coalesce(auth0_user_id, '') = :auth0_user_id::text AND (email_verified_at IS NULL) = :unverified::boolean
  FOR NO KEY UPDATE
), e AS (
  SELECT gen_random_uuid() AS id, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex') AS hash, now() AS at
), appended AS (
  INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id, purpose_text_sha256,
      policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason, client_time, server_time,
      ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
    SELECT e.id, :id::uuid, :last_seq::int + 1, 2, 'granted', :purpose::uuid, :pv::uuid, :pvsha::text,
      :policy::uuid, :policysha::text, 'portal', 'self', :auth0_user_id::text, NULL, NULL, e.at, NULL, NULL, gen_random_uuid()::text,
      'bench', :last_hash::text, e.hash FROM e, guard
), queued AS (
  INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'consent_event', e.id, repeat('x', 1000) FROM e, guard
), head AS (
  UPDATE "Subject" SET last_seq = :last_seq::int + 1, last_hash = (SELECT hash FROM e) WHERE id = (SELECT id FROM guard)
), synced AS (
  INSERT INTO "OutboxMessage" (subject_id, seq, kind, auth0_user_id)
  SELECT :id::uuid, :last_seq::int + 1, 'sync_consent'::text::"OutboxKind", :auth0_user_id::text
  WHERE 'sync_consent'::text IS NOT NULL AND EXISTS (SELECT 1 FROM guard)
), projected AS (
INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
  SELECT :id::uuid, :purpose::uuid, 'granted', :policy::uuid, :pv::uuid, e.id, :last_seq::int + 1, e.at FROM e, guard
  ON CONFLICT (subject_id, purpose_id) DO UPDATE SET status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
    purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at
)
SELECT EXISTS (SELECT 1 FROM guard) AS applied;
