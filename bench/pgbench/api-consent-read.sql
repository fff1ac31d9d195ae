-- One person's consent as the consent API reads it (bench/api-consent-read.ts, readPersonConsent):
-- in one transaction, the subject by Auth0 user id, every offered purpose with its state, policy
-- version and wording (one statement), the AccessLog row with its queued leaf (one statement). (The scope is
-- written without its colon: pgbench would read `:read` as a variable.)
\set n random(0, :nsubjects)
BEGIN;
SELECT id, erased_at FROM "Subject" WHERE auth0_user_id = 'auth0|bench-' || :n \gset s_
SELECT p.key, p.required, cs.status::text AS status, cs.updated_at, cs.event_id,
    pol.id AS policy_id, pol.version AS policy_version, pol.text_sha256 AS policy_sha256,
    pv.id AS wording_id, pv.version AS wording_version, pv.text_sha256 AS wording_sha256
  FROM "Purpose" p
  LEFT JOIN "ConsentState" cs ON cs.purpose_id = p.id AND cs.subject_id = :s_id::uuid
  LEFT JOIN "PolicyVersion" pol ON pol.id = cs.policy_version_id
  LEFT JOIN "PurposeVersion" pv ON pv.id = cs.purpose_version_id
  WHERE p.retired_at IS NULL AND (NULL::text IS NULL OR p.key = NULL)
  ORDER BY p.required DESC, p.position, p.key;
WITH logged AS (
  INSERT INTO "AccessLog" (id, at, actor_type, actor_id, actor_role, action, subject_id, detail)
  VALUES (gen_random_uuid(), now(), 'api_client', 'bench-api-client', 'api_client', 'api.consent.read', :s_id::uuid,
    '{"via":"access_token","scope":"consent read"}')
  RETURNING id
)
INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'access_log', id, repeat('x', 300) FROM logged;
END;
