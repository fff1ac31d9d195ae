-- One append as appendConsentEvents sends it (bench/appends.ts): lock the subject, idempotency
-- read, state read, INSERT event, queue its leaf, UPDATE the head RETURNING the row, upsert the
-- state, COMMIT. Differences worth microseconds: the hash is a random SHA-256 computed in SQL,
-- the subject comes from bench_subject by number, the leaf is 1,000 bytes of filler.
\set n random(1, :nsubjects)
\set r random(1, 2000000000)
BEGIN;
SELECT s.id, s.last_seq, s.last_hash, coalesce(s.auth0_user_id, '') AS auth0_user_id, coalesce(s.erased_at::text, '') AS erased_at
  FROM "Subject" s WHERE s.id = (SELECT b.id FROM bench_subject b WHERE b.n = :n) FOR NO KEY UPDATE OF s \gset
SELECT * FROM "ConsentEvent" WHERE subject_id = :id::uuid AND idempotency_key = 'k' || :r::text ORDER BY seq;
SELECT * FROM "ConsentState" WHERE subject_id = :id::uuid;
INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id, purpose_text_sha256,
    policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason, client_time, server_time,
    ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
  VALUES (gen_random_uuid(), :id::uuid, :last_seq::int + 1, 2, 'granted', :purpose::uuid, :pv::uuid, :pvsha::text,
    :policy::uuid, :policysha::text, 'api', 'system', 'bench', NULL, NULL, now(), NULL, NULL, gen_random_uuid()::text,
    'bench', :last_hash::text, encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'))
  RETURNING id AS event_id, hash AS event_hash \gset
INSERT INTO "LogQueue" (kind, row_id, data) VALUES ('consent_event', :event_id::uuid, repeat('x', 1000));
UPDATE "Subject" SET last_seq = :last_seq::int + 1, last_hash = :event_hash::text WHERE id = :id::uuid RETURNING *;
INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
  VALUES (:id::uuid, :purpose::uuid, 'granted', :policy::uuid, :pv::uuid, :event_id::uuid, :last_seq::int + 1, now())
  ON CONFLICT (subject_id, purpose_id) DO UPDATE SET status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
    purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at;
END;
