-- Server-side sessions (ADR 035): the session cookie holds only an id; the session lives here,
-- so signing out, a role revoked, a person blocked or deleted, or back-channel logout from Auth0
-- ends it for every copy of the cookie.
CREATE TABLE "PortalSession" (
    -- SHA-256 (hex) of the id in the cookie: a database reader cannot rebuild a cookie from it.
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    -- Auth0's session id (the ID token's `sid`), for back-channel logout.
    "auth0_sid" TEXT,
    "staff" BOOLEAN NOT NULL,
    -- The SDK's session (tokens and profile), AES-256-GCM sealed with a key derived from AUTH0_SECRET.
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    -- Idle limit; NULL: the session does not end for inactivity (people's sessions).
    "idle_seconds" INTEGER,

    CONSTRAINT "PortalSession_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PortalSession_id_check" CHECK ("id" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "PortalSession_idle_check" CHECK ("idle_seconds" IS NULL OR "idle_seconds" > 0)
);
CREATE INDEX "PortalSession_user_id_idx" ON "PortalSession"("user_id");
CREATE INDEX "PortalSession_auth0_sid_idx" ON "PortalSession"("auth0_sid");
CREATE INDEX "PortalSession_expires_at_idx" ON "PortalSession"("expires_at");

-- Not evidence: sessions are created, touched and deleted.
GRANT SELECT, INSERT, DELETE ON "PortalSession" TO consent_app;
GRANT UPDATE ("data", "last_seen_at") ON "PortalSession" TO consent_app;
