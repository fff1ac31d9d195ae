-- A compliance search by email as searchSubjects sends it (bench/compliance-search.ts): two
-- statements and no transaction (ADR 047). The person by blind index (HMAC-SHA256 in SQL with the
-- same key, where the portal computes it in Node) with their consent states labelled with purposes
-- and policy versions, a row per state; then the AccessLog row with its queued leaf, which commits
-- on its own before the portal returns anything. (`\aset` keeps the last row's values: every row
-- carries the person's id.)
\set n random(1, :nsubjects)
SELECT s.id, s.auth0_user_id, s.wrapped_key, s.profile_ciphertext, s.created_at, s.erased_at, s.email_verified_at,
    s.last_seq, st.purpose_id, st.status::text AS status, st.updated_at, p.key, p.title,
    CASE WHEN pv.id IS NULL THEN NULL ELSE json_build_object('id', pv.id, 'kind', pv.kind, 'version', pv.version) END AS policy_version,
    true AS matches_filters
  FROM "Subject" s
  LEFT JOIN ("ConsentState" st JOIN "Purpose" p ON p.id = st.purpose_id) ON st.subject_id = s.id
  LEFT JOIN "PolicyVersion" pv ON pv.id = st.policy_version_id
  WHERE s.email_blind_index = encode(hmac(convert_to('bench-' || :n::text || '@example.com', 'UTF8'), decode(:key::text, 'hex'), 'sha256'), 'hex')
  ORDER BY s.created_at, s.id \aset s_
WITH logged AS (
  INSERT INTO "AccessLog" (id, at, actor_type, actor_id, actor_role, action, subject_id, detail)
  VALUES (gen_random_uuid(), now(), 'staff', 'auth0|bench-staff', 'compliance', 'subject.search', :s_id::uuid,
    '{"via":"session","emailBlindIndex":"x","results":1}')
  RETURNING id
)
INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'access_log', id, repeat('x', 300) FROM logged;
