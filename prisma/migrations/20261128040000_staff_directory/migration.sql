-- Issue 16 point 8 (ADR 041): staff pages name staff members by email. The evidence tables keep
-- only the pseudonymous staff id (the Auth0 user id); this directory, beside them and not part of
-- them, maps it to an email. Filled when staff sign in and when their roles change; a staff
-- member's erasure deletes their row, and the evidence still holds no personal data.
CREATE TABLE "StaffDirectoryEntry" (
    "staff_id" TEXT NOT NULL,
    -- Lower case, as sign-in and the blind index normalise it.
    "email" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffDirectoryEntry_pkey" PRIMARY KEY ("staff_id")
);
CREATE INDEX "StaffDirectoryEntry_email_idx" ON "StaffDirectoryEntry"("email");

-- Not evidence: rows are written at sign-in, updated when an email changes, deleted on erasure.
GRANT SELECT, INSERT, DELETE ON "StaffDirectoryEntry" TO consent_app;
GRANT UPDATE ("email", "updated_at") ON "StaffDirectoryEntry" TO consent_app;
