-- Verifiable consent log (ADR 028): every ConsentEvent, AccessLog and AdminChange row is a leaf of
-- one RFC 9162 Merkle tree, published as C2SP checkpoints that witnesses cosign.

CREATE TYPE "LogLeafKind" AS ENUM ('consent_event', 'access_log', 'admin_change');

-- Leaves waiting for the sequencer, written in the transaction of the row they stand for (so a row
-- inserted around the application is in neither the queue nor the log: the verifier reports it).
-- Not evidence: the sequencer deletes what it integrated.
CREATE TABLE "LogQueue" (
    "id" BIGSERIAL NOT NULL,
    "kind" "LogLeafKind" NOT NULL,
    "row_id" UUID NOT NULL,
    "data" TEXT NOT NULL,
    "enqueued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogQueue_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LogQueue_row_id_idx" ON "LogQueue"("row_id");

-- The log's entries in log order: the leaf data (RFC 8785 JSON) of each row.
CREATE TABLE "LogLeaf" (
    "log_index" BIGINT NOT NULL,
    "kind" "LogLeafKind" NOT NULL,
    "row_id" UUID NOT NULL,
    "data" TEXT NOT NULL,
    "integrated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogLeaf_pkey" PRIMARY KEY ("log_index"),
    CONSTRAINT "LogLeaf_log_index_check" CHECK ("log_index" >= 0)
);
CREATE UNIQUE INDEX "LogLeaf_row_id_key" ON "LogLeaf"("row_id");

-- The tree's hashes as C2SP tlog-tiles: level L, index N holds up to 256 hashes of the tree's
-- level-8L nodes. The right-most tile of each level grows until it is full.
CREATE TABLE "LogTile" (
    "level" INTEGER NOT NULL,
    "tile_index" BIGINT NOT NULL,
    "hashes" BYTEA NOT NULL,

    CONSTRAINT "LogTile_pkey" PRIMARY KEY ("level", "tile_index"),
    CONSTRAINT "LogTile_hashes_check" CHECK (octet_length("hashes") BETWEEN 32 AND 8192 AND octet_length("hashes") % 32 = 0)
);

-- Every checkpoint the log signed (C2SP signed note), one per integrated batch.
CREATE TABLE "LogCheckpoint" (
    "size" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "note" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogCheckpoint_pkey" PRIMARY KEY ("size"),
    CONSTRAINT "LogCheckpoint_root_hash_check" CHECK (octet_length("root_hash") = 32)
);
CREATE INDEX "LogCheckpoint_created_at_idx" ON "LogCheckpoint"("created_at");

-- A witness's cosignature (C2SP tlog-cosignature signature line) on one checkpoint.
CREATE TABLE "LogCosignature" (
    "size" BIGINT NOT NULL,
    "witness" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "cosigned_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LogCosignature_pkey" PRIMARY KEY ("size", "witness")
);
CREATE INDEX "LogCosignature_witness_size_idx" ON "LogCosignature"("witness", "size");

ALTER TABLE "LogCosignature" ADD CONSTRAINT "LogCosignature_size_fkey" FOREIGN KEY ("size") REFERENCES "LogCheckpoint"("size") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Leaves, checkpoints and cosignatures are evidence: append-only, like the ledger (the same
-- triggers as migration 20261123010000, one table at a time).
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['LogLeaf', 'LogCheckpoint', 'LogCosignature'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION "refuse_ledger_change"()',
                       t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION "refuse_ledger_change"()',
                       t || '_no_truncate', t);
        EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I', t, t || '_append_only');
        EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I', t, t || '_no_truncate');
    END LOOP;
END $$;

-- Evidence recorded before the log existed: queued in time order with empty data, which tells the
-- sequencer to compute the leaf from the row. Rows inserted later get a queue entry only from the
-- code that inserts them, so a row with neither entry nor leaf was inserted around the portal.
INSERT INTO "LogQueue" ("kind", "row_id", "data", "enqueued_at")
SELECT "kind"::"LogLeafKind", "id", '', "at"
FROM (
    SELECT 'consent_event' AS "kind", "id", "server_time" AS "at", 0 AS "table_order", "seq" FROM "ConsentEvent"
    UNION ALL SELECT 'access_log', "id", "at", 1, 0 FROM "AccessLog"
    UNION ALL SELECT 'admin_change', "id", "at", 2, 0 FROM "AdminChange"
) AS "existing"
ORDER BY "at", "table_order", "seq", "id";

-- The portal's privileges (ADR 024): leaves, checkpoints and cosignatures are appended only; the
-- right-most tile of each level grows in place; the queue is emptied by the sequencer.
GRANT SELECT, INSERT, DELETE ON "LogQueue" TO consent_app;
GRANT USAGE ON SEQUENCE "LogQueue_id_seq" TO consent_app;
GRANT SELECT, INSERT ON "LogLeaf", "LogCheckpoint", "LogCosignature" TO consent_app;
GRANT SELECT, INSERT ON "LogTile" TO consent_app;
GRANT UPDATE ("hashes") ON "LogTile" TO consent_app;
