-- One append as appendConsentEvents sends it under the subject's lock: in a caller's transaction,
-- or when an optimistic append found the head moved (ADR 050), which is every other append on one
-- hot subject. BEGIN; lock the subject and read under the lock (lock_subject_for_append, ADR 049);
-- the guarded write of append.sql (its guard re-locks a row already held); COMMIT.
\set n random(1, :nsubjects)
\set r random(1, 2000000000)
BEGIN;
SELECT l->'subject'->>'id' AS id, (l->'subject'->>'lastSeq')::int AS last_seq,
  coalesce(l->'subject'->>'lastHash', repeat('0', 64)) AS last_hash,
  coalesce(l->'subject'->>'auth0UserId', '') AS auth0_user_id, (l->'subject'->>'emailVerifiedAt') IS NULL AS unverified
  FROM (SELECT lock_subject_for_append((SELECT b.id FROM bench_subject b WHERE b.n = :n), 'k' || :r::text,
    ARRAY['consent.granted', 'consent.withdrawn', 'subject.erased']::text[]) AS l) AS locked \gset
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
      :policy::uuid, :policysha::text, 'api', 'system', 'bench', NULL, NULL, e.at, NULL, NULL, gen_random_uuid()::text,
      'bench', :last_hash::text, e.hash FROM e, guard
), queued AS (
  INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'consent_event', e.id, repeat('x', 1000) FROM e, guard
), head AS (
  UPDATE "Subject" SET last_seq = :last_seq::int + 1, last_hash = (SELECT hash FROM e) WHERE id = (SELECT id FROM guard)
), projected AS (
  INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    SELECT :id::uuid, :purpose::uuid, 'granted', :policy::uuid, :pv::uuid, e.id, :last_seq::int + 1, e.at FROM e, guard
    ON CONFLICT (subject_id, purpose_id) DO UPDATE SET status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
      purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at
)
SELECT EXISTS (SELECT 1 FROM guard) AS applied;
END;
