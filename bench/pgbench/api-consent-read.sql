-- One person's consent as the consent API reads it (bench/api-consent-read.ts, readPersonConsent,
-- ADR 045): the person by Auth0 user id and every offered purpose with its state, policy version
-- and wording (one statement), then the AccessLog row with its queued leaf (one statement, which
-- commits on its own). (The scope is written without its colon: pgbench would read `:read` as a
-- variable. `\aset` keeps the last row's subject id: every row carries it.)
\set n random(0, :nsubjects)
WITH subject AS (SELECT id, erased_at FROM "Subject" WHERE auth0_user_id = 'auth0|bench-' || :n)
SELECT s.id::text AS s_id, s.erased_at, x.key, x.required, x.status, x.updated_at, x.event_id,
    x.policy_id, x.policy_version, x.policy_sha256, x.wording_id, x.wording_version, x.wording_sha256
  FROM subject s LEFT JOIN LATERAL (
    SELECT p.key, p.required, p.position, cs.status::text AS status, cs.updated_at, cs.event_id,
      pol.id AS policy_id, pol.version AS policy_version, pol.text_sha256 AS policy_sha256,
      pv.id AS wording_id, pv.version AS wording_version, pv.text_sha256 AS wording_sha256
    FROM "Purpose" p
    LEFT JOIN "ConsentState" cs ON cs.purpose_id = p.id AND cs.subject_id = s.id
    LEFT JOIN "PolicyVersion" pol ON pol.id = cs.policy_version_id
    LEFT JOIN "PurposeVersion" pv ON pv.id = cs.purpose_version_id
    WHERE p.retired_at IS NULL AND (NULL::text IS NULL OR p.key = NULL)
  ) x ON true
  ORDER BY x.required DESC, x.position, x.key \aset
WITH logged AS (
  INSERT INTO "AccessLog" (id, at, actor_type, actor_id, actor_role, action, subject_id, detail)
  VALUES (gen_random_uuid(), now(), 'api_client', 'bench-api-client', 'api_client', 'api.consent.read', :s_id::uuid,
    '{"via":"access_token","scope":"consent read"}')
  RETURNING id
)
INSERT INTO "LogQueue" (kind, row_id, data) SELECT 'access_log', id, repeat('x', 300) FROM logged;
