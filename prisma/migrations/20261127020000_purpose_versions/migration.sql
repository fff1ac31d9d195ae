-- Versioned purpose wording (docs/decisions/025-versioned-purpose-wording.md). A purpose's title
-- and description are published as append-only PurposeVersion rows with their own SHA-256; each
-- new consent event records the version and its hash among its hashed fields (hash format 2).
-- No GRANTs here: the application role's privileges are added where the roles are defined.

-- CreateTable
CREATE TABLE "PurposeVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "purpose_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "text_sha256" TEXT NOT NULL,
    "required" BOOLEAN NOT NULL,
    "requires_reconsent" BOOLEAN NOT NULL DEFAULT false,
    "change_summary" TEXT,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_by" TEXT,

    CONSTRAINT "PurposeVersion_pkey" PRIMARY KEY ("id")
);

-- AlterTable: hash format 1 for every event written so far (a metadata-only change: no row is
-- rewritten and no trigger fires); new events must state their format.
ALTER TABLE "ConsentEvent" ADD COLUMN "hash_version" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "purpose_version_id" UUID,
ADD COLUMN "purpose_text_sha256" TEXT;
ALTER TABLE "ConsentEvent" ALTER COLUMN "hash_version" DROP DEFAULT;

-- AlterTable: the wording a current decision was made under (NULL: version 1, for decisions
-- recorded before this migration, like their events).
ALTER TABLE "ConsentState" ADD COLUMN "purpose_version_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "PurposeVersion_purpose_id_version_key" ON "PurposeVersion"("purpose_id", "version");

-- AddForeignKey
ALTER TABLE "PurposeVersion" ADD CONSTRAINT "PurposeVersion_purpose_id_fkey" FOREIGN KEY ("purpose_id") REFERENCES "Purpose"("id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_purpose_version_id_fkey" FOREIGN KEY ("purpose_version_id") REFERENCES "PurposeVersion"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ConsentState" ADD CONSTRAINT "ConsentState_purpose_version_id_fkey" FOREIGN KEY ("purpose_version_id") REFERENCES "PurposeVersion"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- ---------------------------------------------------------------------------------------------
-- Beyond Prisma's schema language
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "PurposeVersion" ADD CONSTRAINT "PurposeVersion_version_check" CHECK ("version" >= 1);

-- The hashed text is the RFC 8785 (JCS) JSON of {"description", "title"}: keys in that order,
-- no whitespace, strings escaped as JSON.stringify does (to_json escapes the same way for the
-- characters PostgreSQL text can hold). The database refuses a version whose hash does not match.
ALTER TABLE "PurposeVersion" ADD CONSTRAINT "PurposeVersion_text_sha256_check"
    CHECK ("text_sha256" = encode(sha256(convert_to(
        '{"description":' || to_json("description")::text || ',"title":' || to_json("title")::text || '}',
        'UTF8')), 'hex'));

-- Lets an event's (version, purpose, hash) triple reference a version as a whole.
CREATE UNIQUE INDEX "PurposeVersion_id_purpose_id_text_sha256_key"
    ON "PurposeVersion"("id", "purpose_id", "text_sha256");

-- An event's purpose version belongs to the event's purpose and carries that version's hash.
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_purpose_version_matches_fkey"
    FOREIGN KEY ("purpose_version_id", "purpose_id", "purpose_text_sha256")
    REFERENCES "PurposeVersion"("id", "purpose_id", "text_sha256") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Format 1 (before this migration) hashes no purpose wording; format 2 names the wording of every
-- purpose decision, and none for an erasure.
ALTER TABLE "ConsentEvent" ADD CONSTRAINT "ConsentEvent_hash_version_check" CHECK (
    ("hash_version" = 1 AND "purpose_version_id" IS NULL AND "purpose_text_sha256" IS NULL)
    OR ("hash_version" = 2
        AND ("purpose_id" IS NULL) = ("purpose_version_id" IS NULL)
        AND ("purpose_version_id" IS NULL) = ("purpose_text_sha256" IS NULL))
);

CREATE INDEX "ConsentState_purpose_version_id_idx" ON "ConsentState"("purpose_version_id");

-- A purpose's key and governing document never change (past decisions and receipts refer to
-- them); its wording and whether it is required change only through a new PurposeVersion.
CREATE FUNCTION "refuse_purpose_identity_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key IS DISTINCT FROM OLD.key OR NEW.policy_kind IS DISTINCT FROM OLD.policy_kind THEN
        RAISE EXCEPTION 'Purpose key and policy_kind never change' USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "Purpose_fixed_identity" BEFORE UPDATE ON "Purpose"
    FOR EACH ROW EXECUTE FUNCTION "refuse_purpose_identity_change"();
ALTER TABLE "Purpose" ENABLE ALWAYS TRIGGER "Purpose_fixed_identity";

-- Wording people were shown never changes. A version goes only with its purpose (the cascade
-- from a purpose nobody ever decided on: ConsentEvent's RESTRICT keys refuse any other), so a
-- DELETE is let through only once the purpose row itself is gone.
CREATE FUNCTION "refuse_purpose_version_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM "Purpose" WHERE id = OLD.purpose_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % forbidden', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'P0001', HINT = 'Publish a new purpose version instead.';
END;
$$;

CREATE TRIGGER "PurposeVersion_append_only" BEFORE UPDATE OR DELETE ON "PurposeVersion"
    FOR EACH ROW EXECUTE FUNCTION "refuse_purpose_version_change"();
CREATE TRIGGER "PurposeVersion_no_truncate" BEFORE TRUNCATE ON "PurposeVersion"
    FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"();
ALTER TABLE "PurposeVersion" ENABLE ALWAYS TRIGGER "PurposeVersion_append_only";
ALTER TABLE "PurposeVersion" ENABLE ALWAYS TRIGGER "PurposeVersion_no_truncate";

-- Backfill: every purpose's current wording becomes its version 1. Events recorded before this
-- migration keep hash format 1 and are not linked (their rows are never updated); readers take
-- version 1 as their wording, the only wording on record for them (ADR 025). Its published_at is
-- the time of this migration: when that wording was first recorded as what people are shown.
INSERT INTO "PurposeVersion" ("purpose_id", "version", "title", "description", "required", "text_sha256")
SELECT p.id, 1, p.title, p.description, p.required,
       encode(sha256(convert_to(
           '{"description":' || to_json(p.description)::text || ',"title":' || to_json(p.title)::text || '}',
           'UTF8')), 'hex')
FROM "Purpose" p;

-- The portal's privileges (ADR 024): versions are appended, never changed; the projection also
-- moves the wording version it was decided under.
GRANT SELECT, INSERT ON "PurposeVersion" TO consent_app;
GRANT UPDATE ("purpose_version_id") ON "ConsentState" TO consent_app;
