-- grantConsent of one purpose as it is sent: append.sql plus the catalog reads its decision makes
-- (purposes, current policy versions, the purpose's wordings) and the OutboxMessage INSERT.
\set n random(1, :nsubjects)
\set r random(1, 2000000000)
BEGIN;
SELECT s.id, s.last_seq, coalesce(s.last_hash, repeat('0', 64)) AS last_hash, coalesce(s.auth0_user_id, '') AS auth0_user_id, coalesce(s.erased_at::text, '') AS erased_at
  FROM "Subject" s WHERE s.id = (SELECT b.id FROM bench_grant_subject b WHERE b.n = :n) FOR NO KEY UPDATE OF s \gset
SELECT * FROM "ConsentEvent" WHERE subject_id = :id::uuid AND idempotency_key = 'k' || :r::text ORDER BY seq;
SELECT * FROM "ConsentState" WHERE subject_id = :id::uuid;
SELECT * FROM "Purpose";
SELECT DISTINCT ON (kind) id, kind, text_sha256 FROM "PolicyVersion" ORDER BY kind, published_at DESC;
SELECT * FROM "PurposeVersion" WHERE purpose_id = ANY(ARRAY[:purpose::uuid]) ORDER BY purpose_id, version;
INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id, purpose_text_sha256,
    policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason, client_time, server_time,
    ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
  VALUES (gen_random_uuid(), :id::uuid, :last_seq::int + 1, 2, 'granted', :purpose::uuid, :pv::uuid, :pvsha::text,
    :policy::uuid, :policysha::text, 'portal', 'self', :auth0_user_id::text, NULL, NULL, now(), NULL, NULL, gen_random_uuid()::text,
    'bench', :last_hash::text, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'))
  RETURNING id AS event_id, hash AS event_hash \gset
INSERT INTO "LogQueue" (kind, row_id, data) VALUES ('consent_event', :event_id::uuid, repeat('x', 1000));
UPDATE "Subject" SET last_seq = :last_seq::int + 1, last_hash = :event_hash::text WHERE id = :id::uuid RETURNING *;
INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
  VALUES (:id::uuid, :purpose::uuid, 'granted', :policy::uuid, :pv::uuid, :event_id::uuid, :last_seq::int + 1, now())
  ON CONFLICT (subject_id, purpose_id) DO UPDATE SET status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
    purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at;
INSERT INTO "OutboxMessage" (id, subject_id, seq, kind, auth0_user_id) VALUES (gen_random_uuid(), :id::uuid, :last_seq::int + 1, 'sync_consent', :auth0_user_id::text) RETURNING *;
END;
