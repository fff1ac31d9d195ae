-- Consent ledger (docs/decisions/004-consent-ledger.md). Tables, indexes and foreign keys as
-- `prisma migrate diff` would write them for prisma/schema.prisma, then what Prisma cannot
-- express: CHECK constraints, a partial unique index and the append-only triggers.

-- CreateEnum
CREATE TYPE "PolicyKind" AS ENUM ('terms', 'privacy');

-- CreateEnum
CREATE TYPE "ConsentAction" AS ENUM ('granted', 'withdrawn', 'erased');

-- CreateEnum
CREATE TYPE "ConsentStatus" AS ENUM ('granted', 'withdrawn');

-- CreateEnum
CREATE TYPE "CollectionMethod" AS ENUM ('signup', 'portal', 'reconsent', 'api', 'staff', 'migration');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('self', 'staff', 'system');

-- CreateEnum
CREATE TYPE "OutboxKind" AS ENUM ('sync_consent', 'flag_deleted', 'delete_user');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'delivered', 'skipped');

-- CreateTable
CREATE TABLE "Subject" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "auth0_user_id" TEXT,
    "email_blind_index" TEXT,
    "profile_ciphertext" BYTEA,
    "wrapped_key" BYTEA,
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "last_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "erased_at" TIMESTAMPTZ(3),

    CONSTRAINT "Subject_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Purpose" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "policy_kind" "PolicyKind" NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Purpose_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "PolicyKind" NOT NULL,
    "version" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "text_sha256" TEXT NOT NULL,
    "requires_reconsent" BOOLEAN NOT NULL DEFAULT false,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_by" TEXT,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentEvent" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "action" "ConsentAction" NOT NULL,
    "purpose_id" UUID,
    "policy_version_id" UUID,
    "policy_text_sha256" TEXT,
    "method" "CollectionMethod" NOT NULL,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" TEXT,
    "actor_reason" TEXT,
    "client_time" TIMESTAMPTZ(3),
    "server_time" TIMESTAMPTZ(3) NOT NULL,
    "ip_truncated" TEXT,
    "user_agent_hash" TEXT,
    "idempotency_key" TEXT NOT NULL,
    "request_fingerprint" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "ConsentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsentState" (
    "subject_id" UUID NOT NULL,
    "purpose_id" UUID NOT NULL,
    "status" "ConsentStatus" NOT NULL,
    "policy_version_id" UUID,
    "event_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ConsentState_pkey" PRIMARY KEY ("subject_id","purpose_id")
);

-- CreateTable
CREATE TABLE "AccessLog" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_id" UUID,
    "detail" JSONB,

    CONSTRAINT "AccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "subject_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" "OutboxKind" NOT NULL,
    "auth0_user_id" TEXT,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Subject_auth0_user_id_key" ON "Subject"("auth0_user_id");

-- CreateIndex
CREATE INDEX "Subject_email_blind_index_idx" ON "Subject"("email_blind_index");

-- CreateIndex
CREATE UNIQUE INDEX "Purpose_key_key" ON "Purpose"("key");

-- CreateIndex
CREATE INDEX "PolicyVersion_kind_published_at_idx" ON "PolicyVersion"("kind", "published_at");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_kind_version_key" ON "PolicyVersion"("kind", "version");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_hash_key" ON "ConsentEvent"("hash");

-- CreateIndex
CREATE INDEX "ConsentEvent_purpose_id_server_time_idx" ON "ConsentEvent"("purpose_id", "server_time");

-- CreateIndex
CREATE INDEX "ConsentEvent_server_time_idx" ON "ConsentEvent"("server_time");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_subject_id_seq_key" ON "ConsentEvent"("subject_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ConsentEvent_subject_id_idempotency_key_purpose_id_key" ON "ConsentEvent"("subject_id", "idempotency_key", "purpose_id");

-- CreateIndex
CREATE INDEX "ConsentState_purpose_id_status_idx" ON "ConsentState"("purpose_id", "status");

-- CreateIndex
CREATE INDEX "AccessLog_subject_id_at_idx" ON "AccessLog"("subject_id", "at");

-- CreateIndex
CREATE INDEX "AccessLog_actor_id_at_idx" ON "AccessLog"("actor_id", "at");

-- CreateIndex
CREATE INDEX "AccessLog_at_idx" ON "AccessLog"("at");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_next_attempt_at_idx" ON "OutboxMessage"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "OutboxMessage_subject_id_status_idx" ON "OutboxMessage"("subject_id", "status");

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_purpose_id_fkey" FOREIGN KEY ("purpose_id") REFERENCES "Purpose"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_policy_version_id_fkey" FOREIGN KEY ("policy_version_id") REFERENCES "PolicyVersion"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentState" ADD CONSTRAINT "ConsentState_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentState" ADD CONSTRAINT "ConsentState_purpose_id_fkey" FOREIGN KEY ("purpose_id") REFERENCES "Purpose"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentState" ADD CONSTRAINT "ConsentState_policy_version_id_fkey" FOREIGN KEY ("policy_version_id") REFERENCES "PolicyVersion"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "AccessLog" ADD CONSTRAINT "AccessLog_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "Subject"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- ---------------------------------------------------------------------------------------------
-- Beyond Prisma's schema language
-- ---------------------------------------------------------------------------------------------

-- The stored hash of a policy text must be the hash of that text: the ledger records the hash
-- as proof of what was shown, so the database refuses a version whose hash does not match.
ALTER TABLE "PolicyVersion" ADD CONSTRAINT "PolicyVersion_text_sha256_check"
    CHECK ("text_sha256" = encode(sha256(convert_to("text", 'UTF8')), 'hex'));

ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_seq_check" CHECK ("seq" >= 1);
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_hash_check"
    CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "prev_hash" ~ '^[0-9a-f]{64}$');
-- Purpose decisions name a purpose; the subject-level `erased` event names none.
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_purpose_check"
    CHECK (("action" = 'erased') = ("purpose_id" IS NULL));
-- Staff act on someone else's consent only with a stated reason.
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_staff_reason_check"
    CHECK ("actor_type" <> 'staff' OR ("actor_id" IS NOT NULL AND length(btrim("actor_reason")) > 0));

-- A subject is erased at most once.
CREATE UNIQUE INDEX "ConsentEvent_one_erasure_per_subject" ON "ConsentEvent"("subject_id") WHERE "action" = 'erased';

-- The outbox worker picks due rows in creation order.
CREATE INDEX "OutboxMessage_due_idx" ON "OutboxMessage"("created_at") WHERE "status" = 'pending';

-- Append-only tables: UPDATE, DELETE and TRUNCATE are refused by the database itself, whatever
-- the client. ENABLE ALWAYS makes the triggers fire even under session_replication_role =
-- replica; only a superuser or the table owner can disable them, and verifyLedger() detects
-- any edit made that way.
CREATE FUNCTION "refuse_ledger_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % forbidden', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'P0001', HINT = 'Ledger rows are never changed; append a new event instead.';
END;
$$;

CREATE TRIGGER "ConsentEvent_append_only" BEFORE UPDATE OR DELETE ON "ConsentEvent"
    FOR EACH ROW EXECUTE FUNCTION "refuse_ledger_change"();
CREATE TRIGGER "ConsentEvent_no_truncate" BEFORE TRUNCATE ON "ConsentEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"();
ALTER TABLE "ConsentEvent" ENABLE ALWAYS TRIGGER "ConsentEvent_append_only";
ALTER TABLE "ConsentEvent" ENABLE ALWAYS TRIGGER "ConsentEvent_no_truncate";

CREATE TRIGGER "AccessLog_append_only" BEFORE UPDATE OR DELETE ON "AccessLog"
    FOR EACH ROW EXECUTE FUNCTION "refuse_ledger_change"();
CREATE TRIGGER "AccessLog_no_truncate" BEFORE TRUNCATE ON "AccessLog"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"();
ALTER TABLE "AccessLog" ENABLE ALWAYS TRIGGER "AccessLog_append_only";
ALTER TABLE "AccessLog" ENABLE ALWAYS TRIGGER "AccessLog_no_truncate";

-- A published policy text is what people agreed to: it never changes either.
CREATE TRIGGER "PolicyVersion_append_only" BEFORE UPDATE OR DELETE ON "PolicyVersion"
    FOR EACH ROW EXECUTE FUNCTION "refuse_ledger_change"();
CREATE TRIGGER "PolicyVersion_no_truncate" BEFORE TRUNCATE ON "PolicyVersion"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"();
ALTER TABLE "PolicyVersion" ENABLE ALWAYS TRIGGER "PolicyVersion_append_only";
ALTER TABLE "PolicyVersion" ENABLE ALWAYS TRIGGER "PolicyVersion_no_truncate";
