-- A compliance search by email as searchSubjects sends it (bench/compliance-search.ts): in one
-- transaction, the subject by blind index (HMAC-SHA256 in SQL with the same key, where the portal
-- computes it in Node), its consent states labelled with their purposes and policy versions, and
-- the AccessLog row with its queued leaf in one statement.
\set n random(1, :nsubjects)
BEGIN;
SELECT * FROM "Subject" WHERE email_blind_index = encode(hmac(convert_to('bench-' || :n::text || '@example.com', 'UTF8'), decode(:key::text, 'hex'), 'sha256'), 'hex') ORDER BY created_at \gset s_
SELECT cs.subject_id, cs.purpose_id, cs.status::text AS status, cs.policy_version_id, cs.updated_at, p.key, p.title,
    CASE WHEN pv.id IS NULL THEN NULL ELSE json_build_object('id', pv.id, 'kind', pv.kind, 'version', pv.version) END AS policy_version
  FROM "ConsentState" cs JOIN "Purpose" p ON p.id = cs.purpose_id LEFT JOIN "PolicyVersion" pv ON pv.id = cs.policy_version_id
  WHERE cs.subject_id IN (:s_id::uuid);
WITH logged AS (
  INSERT INTO "AccessLog" (id, at, actor_type, actor_id, actor_role, action, subject_id, detail)
  VALUES (gen_random_uuid(), now(), 'staff', 'auth0|bench-staff', 'compliance', 'subject.search', :s_id::uuid,
    '{"via":"session","emailBlindIndex":"x","results":1}')
  RETURNING id
)
INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'access_log', id, repeat('x', 300) FROM logged;
END;
