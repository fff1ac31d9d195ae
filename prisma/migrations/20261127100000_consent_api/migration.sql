-- The consent API (docs/decisions/033-consent-api.md): registered API clients, the first answer
-- per idempotency key, the clients' own ids for people, and the index behind "everyone with
-- purpose X granted" in keyset pages.

-- The old (purpose_id, status) index is a prefix of the new one: every query it served, the new one serves.
-- DropIndex
DROP INDEX "ConsentState_purpose_id_status_idx";

-- CreateIndex
CREATE INDEX "ConsentState_purpose_id_status_subject_id_idx" ON "ConsentState"("purpose_id", "status", "subject_id");

-- CreateTable
CREATE TABLE "ApiClient" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "client_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_by" TEXT,

    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiIdempotencyKey" (
    "client_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_sha256" TEXT NOT NULL,
    "status" INTEGER,
    "response" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiIdempotencyKey_pkey" PRIMARY KEY ("client_id","key")
);

-- CreateTable
CREATE TABLE "ApiExternalId" (
    "client_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiExternalId_pkey" PRIMARY KEY ("client_id","external_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiClient_client_id_key" ON "ApiClient"("client_id");

-- CreateIndex
CREATE INDEX "ApiExternalId_subject_id_idx" ON "ApiExternalId"("subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "ApiExternalId_client_id_subject_id_key" ON "ApiExternalId"("client_id", "subject_id");

-- AddForeignKey
ALTER TABLE "ApiExternalId" ADD CONSTRAINT "ApiExternalId_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- The portal's role (ADR 024): a client is registered and revoked, never edited or deleted; an
-- idempotency row gets its answer once; external ids go with the person's data at erasure.
GRANT SELECT, INSERT ON "ApiClient" TO consent_app;
GRANT UPDATE ("revoked_at", "revoked_by") ON "ApiClient" TO consent_app;
GRANT SELECT, INSERT ON "ApiIdempotencyKey" TO consent_app;
GRANT UPDATE ("status", "response") ON "ApiIdempotencyKey" TO consent_app;
GRANT SELECT, INSERT, DELETE ON "ApiExternalId" TO consent_app;
