-- Compliance workspace (docs/decisions/006-compliance-workspace-and-mgmt-proxy.md): the indexes
-- behind keyset-paginated subject search on ConsentState, and staff API tokens for the
-- Management API proxy.

-- Search pages through ConsentState newest change first, as (updated_at, subject_id, purpose_id)
-- DESC keysets. One index per way in: by purpose, by policy version, or by time alone (state and
-- date range are then range conditions or cheap filters on the same scan).
-- CreateIndex
CREATE INDEX "ConsentState_purpose_id_updated_at_subject_id_idx" ON "ConsentState"("purpose_id", "updated_at", "subject_id");

-- CreateIndex
CREATE INDEX "ConsentState_policy_version_id_updated_at_subject_id_idx" ON "ConsentState"("policy_version_id", "updated_at", "subject_id");

-- CreateIndex
CREATE INDEX "ConsentState_updated_at_subject_id_purpose_id_idx" ON "ConsentState"("updated_at", "subject_id", "purpose_id");

-- CreateTable
CREATE TABLE "StaffApiToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "owner_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "token_hint" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "StaffApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "StaffApiToken_token_hash_key" ON "StaffApiToken"("token_hash");

-- CreateIndex
CREATE INDEX "StaffApiToken_owner_id_created_at_idx" ON "StaffApiToken"("owner_id", "created_at");

-- Beyond Prisma's schema language: only staff roles hold tokens, and only a SHA-256 of the token
-- is ever stored (the token itself is shown once, at creation).
ALTER TABLE "StaffApiToken" ADD CONSTRAINT "StaffApiToken_role_check" CHECK ("role" IN ('compliance', 'admin'));
ALTER TABLE "StaffApiToken" ADD CONSTRAINT "StaffApiToken_token_hash_check" CHECK ("token_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "StaffApiToken" ADD CONSTRAINT "StaffApiToken_expiry_check" CHECK ("expires_at" > "created_at");
