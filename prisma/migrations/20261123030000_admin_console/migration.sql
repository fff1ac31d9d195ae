-- Admin console (docs/decisions/007-admin-console-and-exports.md): retired purposes, policy
-- drafts, an append-only log of admin changes, and export jobs whose output lives in the
-- database (gzipped chunks), so the app stays stateless.

-- CreateEnum
CREATE TYPE "ExportDataset" AS ENUM ('consent_state', 'consent_events', 'auth0_users');

-- CreateEnum
CREATE TYPE "ExportFormat" AS ENUM ('csv', 'json', 'ndjson');

-- CreateEnum
CREATE TYPE "ExportJobStatus" AS ENUM ('pending', 'running', 'completed', 'failed');

-- A purpose with events is retired, never deleted: no longer offered, still in history.
-- AlterTable
ALTER TABLE "Purpose" ADD COLUMN "retired_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "PolicyDraft" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "PolicyKind" NOT NULL,
    "version" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyDraft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminChange" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AdminChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExportJob" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dataset" "ExportDataset" NOT NULL,
    "format" "ExportFormat" NOT NULL,
    "filters" JSONB NOT NULL DEFAULT '{}',
    "status" "ExportJobStatus" NOT NULL DEFAULT 'pending',
    "total_rows" INTEGER,
    "rows_written" INTEGER NOT NULL DEFAULT 0,
    "auth0_job_id" TEXT,
    "error" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "locked_until" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ExportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExportJobChunk" (
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "ExportJobChunk_pkey" PRIMARY KEY ("job_id","seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyDraft_kind_version_key" ON "PolicyDraft"("kind", "version");

-- CreateIndex
CREATE INDEX "AdminChange_action_at_idx" ON "AdminChange"("action", "at");

-- CreateIndex
CREATE INDEX "AdminChange_at_idx" ON "AdminChange"("at");

-- CreateIndex
CREATE INDEX "ExportJob_dataset_created_at_idx" ON "ExportJob"("dataset", "created_at");

-- CreateIndex
CREATE INDEX "ExportJob_expires_at_idx" ON "ExportJob"("expires_at");

-- AddForeignKey
ALTER TABLE "ExportJobChunk" ADD CONSTRAINT "ExportJobChunk_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "ExportJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Beyond Prisma's schema language
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "ExportJob" ADD CONSTRAINT "ExportJob_progress_check"
    CHECK ("rows_written" >= 0 AND ("total_rows" IS NULL OR "total_rows" >= 0));

-- Who changed a setting, a role, a purpose or a policy, and from what to what: append-only,
-- like the AccessLog (refuse_ledger_change comes from the consent_ledger migration).
CREATE TRIGGER "AdminChange_append_only" BEFORE UPDATE OR DELETE ON "AdminChange"
    FOR EACH ROW EXECUTE FUNCTION "refuse_ledger_change"();
CREATE TRIGGER "AdminChange_no_truncate" BEFORE TRUNCATE ON "AdminChange"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"();
ALTER TABLE "AdminChange" ENABLE ALWAYS TRIGGER "AdminChange_append_only";
ALTER TABLE "AdminChange" ENABLE ALWAYS TRIGGER "AdminChange_no_truncate";
