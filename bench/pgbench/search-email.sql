-- A compliance search by email as searchSubjects sends it (bench/compliance-search.ts): in one
-- transaction, the subject by blind index (HMAC-SHA256 in SQL with the same key, where the portal
-- computes it in Node), its consent states, their purposes and policy versions, the AccessLog row
-- and its queued leaf.
\set n random(1, :nsubjects)
BEGIN;
SELECT * FROM "Subject" WHERE email_blind_index = encode(hmac(convert_to('bench-' || :n::text || '@example.com', 'UTF8'), decode(:key::text, 'hex'), 'sha256'), 'hex') ORDER BY created_at \gset s_
SELECT * FROM "ConsentState" WHERE subject_id = ANY(ARRAY[:s_id::uuid]) ORDER BY subject_id, purpose_id;
SELECT * FROM "Purpose" WHERE id IN (SELECT purpose_id FROM "ConsentState" WHERE subject_id = :s_id::uuid);
SELECT * FROM "PolicyVersion" WHERE id IN (SELECT policy_version_id FROM "ConsentState" WHERE subject_id = :s_id::uuid);
INSERT INTO "AccessLog" (id, actor_type, actor_id, actor_role, action, subject_id, detail)
  VALUES (gen_random_uuid(), 'staff', 'auth0|bench-staff', 'compliance', 'search', :s_id::uuid, '{"query":{"email":"[redacted]"},"results":1}')
  RETURNING id AS log_id \gset
INSERT INTO "LogQueue" (kind, row_id, data) VALUES ('access_log', :log_id::uuid, repeat('x', 300));
END;
