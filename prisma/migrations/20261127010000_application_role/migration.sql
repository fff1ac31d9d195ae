-- The portal's application role (docs/decisions/024-two-database-roles.md). Migrations run as
-- the owner role; the portal logs in as a member of the NOLOGIN group `consent_app`, which
-- owns nothing and holds only what the code needs, table by table. A table owner can disable
-- the append-only triggers; this role cannot.
--
-- A later migration that adds a table GRANTs the portal's privileges on it in the same file;
-- scripts/db/app-role-privileges.integration.test.ts compares every table's privileges with
-- the expected map in test/app-role-privileges.ts and names a table that has no entry.

-- On a managed PostgreSQL the owner role usually may not create roles: the DBA creates
-- consent_app first (README, "Database roles").
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'consent_app') THEN
        CREATE ROLE consent_app NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'The role consent_app does not exist, and % may not create it', current_user
        USING HINT = 'Run as a role administrator: CREATE ROLE consent_app NOLOGIN; GRANT consent_app TO <the portal''s login>; (README, "Database roles").';
END $$;

-- Only the owner creates objects: none in the schema, and no temporary ones either (a
-- `pg_temp` function or table would shadow ours for the session that made it). Both are PUBLIC
-- defaults on older servers; each REVOKE only warns where the owner role lacks the right.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END $$;
GRANT USAGE ON SCHEMA public TO consent_app;

-- From a clean slate, whatever a DBA may have granted before.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, consent_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, consent_app;

-- Evidence: read and append, nothing else (the append-only triggers also stop the owner's
-- routine writes).
GRANT SELECT, INSERT ON "ConsentEvent", "AccessLog", "AdminChange", "PolicyVersion" TO consent_app;

-- The subject's chain head moves with each event; its sealed profile and blind index change
-- with the email; erasure destroys the key, the profile and the Auth0 mapping.
GRANT SELECT, INSERT ON "Subject" TO consent_app;
GRANT UPDATE ("last_seq", "last_hash", "email_blind_index", "profile_ciphertext", "wrapped_key", "auth0_user_id",
              "erased_at") ON "Subject" TO consent_app;

-- The projection of the events: upserted with each append, replaced by rebuildConsentState.
GRANT SELECT, INSERT, DELETE ON "ConsentState" TO consent_app;
GRANT UPDATE ("status", "policy_version_id", "event_id", "seq", "updated_at") ON "ConsentState" TO consent_app;

-- Delivery bookkeeping; the Auth0 id is cleared once it is no longer needed.
GRANT SELECT, INSERT ON "OutboxMessage" TO consent_app;
GRANT UPDATE ("status", "attempts", "next_attempt_at", "locked_until", "last_error", "delivered_at", "auth0_user_id")
    ON "OutboxMessage" TO consent_app;

-- Purposes are reworded, reordered, made required or optional, retired; one never decided on
-- is deleted (ADR 014). Key and governing document never change.
GRANT SELECT, INSERT, DELETE ON "Purpose" TO consent_app;
GRANT UPDATE ("title", "description", "required", "position", "retired_at", "updated_at") ON "Purpose" TO consent_app;

-- Settings (withdrawal policy, verification results) are upserted by key.
GRANT SELECT, INSERT ON "Setting" TO consent_app;
GRANT UPDATE ("value", "updated_at") ON "Setting" TO consent_app;

-- Tokens are used and revoked, never edited or deleted.
GRANT SELECT, INSERT ON "StaffApiToken" TO consent_app;
GRANT UPDATE ("last_used_at", "revoked_at") ON "StaffApiToken" TO consent_app;

-- Drafts change freely and are deleted when discarded or published (ADR 015).
GRANT SELECT, INSERT, DELETE ON "PolicyDraft" TO consent_app;
GRANT UPDATE ("kind", "version", "title", "url", "text", "updated_by", "updated_at") ON "PolicyDraft" TO consent_app;

-- Export jobs report progress and are purged after their retention, with their files (ADR 018).
GRANT SELECT, INSERT, DELETE ON "ExportJob" TO consent_app;
GRANT UPDATE ("status", "total_rows", "rows_written", "error", "started_at", "finished_at", "locked_until")
    ON "ExportJob" TO consent_app;
GRANT SELECT, INSERT, DELETE ON "ExportJobChunk" TO consent_app;

-- "_prisma_migrations": nothing; only the owner migrates.
