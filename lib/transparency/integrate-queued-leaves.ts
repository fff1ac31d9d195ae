import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { formatCheckpoint } from "@/lib/tlog/checkpoint";
import { type Hash, leafHash } from "@/lib/tlog/merkle";
import { signNote } from "@/lib/tlog/note";
import { appendLeaves, rightEdgeTileIds } from "@/lib/tlog/tiles";
import { accessLogLeaf, adminChangeLeaf, consentEventLeaf } from "./leaf-data";
import { logConfig } from "./log-config";
import { readTiles, writeTiles } from "./tile-store";

/** One sequencer at a time across every portal instance (ADR 028). */
const SEQUENCER_LOCK = 0x7c09_1e01;
const utf8 = new TextEncoder();

export interface Integration {
  /** Leaves added by this batch. */
  integrated: number;
  /** The tree size after it. */
  size: number;
}

/** The log's current size: the size of its latest checkpoint (every batch signs one). */
export async function currentLogSize(client: Tx | ReturnType<typeof db> = db()): Promise<number> {
  const rows = await client.$queryRaw<Array<{ size: bigint | null }>>`SELECT max(size) AS size FROM "LogCheckpoint"`;
  return Number(rows[0]?.size ?? 0);
}

/**
 * Integrates queued leaves into the tree, oldest first: assigns log indexes, stores the leaves
 * and the grown tiles, signs a checkpoint for the new size and removes the batch from the queue,
 * all in one transaction. Returns null when another instance holds the sequencer lock.
 */
export async function integrateQueuedLeaves(options: { maxBatch?: number } = {}): Promise<Integration | null> {
  const maxBatch = options.maxBatch ?? 10_000;
  const config = logConfig();
  return db().$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`
      SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) AS locked`;
    if (!lock?.locked) return null;
    const size = await currentLogSize(tx);
    const leafHashes = (await queueHeadHasBackfill(tx, maxBatch))
      ? await integrateWithBackfill(tx, size, maxBatch)
      : await moveQueueHeadToLog(tx, size, maxBatch);
    if (leafHashes.length === 0) return { integrated: 0, size };

    const edge = await readTiles(tx, rightEdgeTileIds(size));
    const grown = appendLeaves({ size, rightEdgeTiles: edge, leafHashes });
    await writeTiles(tx, grown.tiles);
    const note = signNote(
      formatCheckpoint({ origin: config.origin, size: grown.size, root: grown.root }),
      config.signerKey,
    );
    await tx.logCheckpoint.create({
      data: { size: BigInt(grown.size), rootHash: Buffer.from(grown.root), note },
    });
    return { integrated: leafHashes.length, size: grown.size };
  }, TRANSACTION_OPTIONS);
}

/** Whether the next batch holds rows queued by the log's migration (no leaf data yet). */
async function queueHeadHasBackfill(tx: Tx, maxBatch: number): Promise<boolean> {
  const [row] = await tx.$queryRaw<Array<{ found: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM (SELECT data FROM "LogQueue" ORDER BY id LIMIT ${maxBatch}) head WHERE data = '')
      AS found`;
  return row?.found ?? false;
}

/**
 * The usual batch, in one statement: the oldest queued rows leave the queue and become leaves
 * numbered from `size` (a row already in the log is only dropped), and PostgreSQL returns each
 * new leaf's hash, SHA-256(0x00 || data), so the leaves' bytes never travel to the sequencer and
 * back: this is what lets integration run near the database's own pace (ADR 028).
 */
async function moveQueueHeadToLog(tx: Tx, size: number, maxBatch: number): Promise<Hash[]> {
  const rows = await tx.$queryRaw<Array<{ log_index: bigint; leaf_hash: Uint8Array }>>`
    WITH batch AS (
      DELETE FROM "LogQueue" WHERE id IN (SELECT id FROM "LogQueue" ORDER BY id LIMIT ${maxBatch})
      RETURNING id, kind, row_id, data
    ), fresh AS (
      SELECT DISTINCT ON (row_id) id, kind, row_id, data FROM batch
      WHERE NOT EXISTS (SELECT 1 FROM "LogLeaf" l WHERE l.row_id = batch.row_id)
      ORDER BY row_id, id
    )
    INSERT INTO "LogLeaf" (log_index, kind, row_id, data)
    SELECT ${BigInt(size)} + row_number() OVER (ORDER BY id) - 1, kind, row_id, data FROM fresh
    RETURNING log_index, sha256('\\x00'::bytea || convert_to(data, 'UTF8')) AS leaf_hash`;
  rows.sort((a, b) => (a.log_index < b.log_index ? -1 : 1));
  return rows.map((row) => row.leaf_hash);
}

/** The batch through the sequencer, for rows queued by the log's migration (computed here). */
async function integrateWithBackfill(tx: Tx, size: number, maxBatch: number): Promise<Hash[]> {
  const queued = await tx.$queryRaw<Array<{ id: bigint; kind: string; row_id: string; data: string }>>`
    SELECT q.id, q.kind::text AS kind, q.row_id::text AS row_id, q.data
    FROM "LogQueue" q ORDER BY q.id LIMIT ${maxBatch}`;
  // A row is a leaf once: anything already integrated is only dropped from the queue.
  const known = new Set(
    (
      await tx.$queryRaw<Array<{ row_id: string }>>`
        SELECT row_id::text AS row_id FROM "LogLeaf" WHERE row_id = ANY(${queued.map((row) => row.row_id)}::uuid[])`
    ).map((row) => row.row_id),
  );
  const fresh: typeof queued = [];
  for (const row of queued) {
    if (known.has(row.row_id)) continue;
    known.add(row.row_id);
    fresh.push(row);
  }
  await tx.$executeRaw`DELETE FROM "LogQueue" WHERE id = ANY(${queued.map((row) => row.id)}::bigint[])`;
  await computeBackfilledLeaves(tx, fresh);
  const leaves = fresh.filter((row) => row.data !== "");
  if (leaves.length === 0) return [];
  await tx.$executeRaw`
    INSERT INTO "LogLeaf" (log_index, kind, row_id, data)
    SELECT * FROM unnest(
      ${leaves.map((_, offset) => BigInt(size + offset))}::bigint[],
      ${leaves.map((row) => row.kind)}::"LogLeafKind"[],
      ${leaves.map((row) => row.row_id)}::uuid[],
      ${leaves.map((row) => row.data)}::text[]
    )`;
  return leaves.map((row) => leafHash(utf8.encode(row.data)));
}

/**
 * Rows queued by the log's migration (empty data: recorded before the log existed) get their leaf
 * computed from the row now, the same functions the writers use. A row gone meanwhile is dropped.
 */
async function computeBackfilledLeaves(tx: Tx, queued: Array<{ kind: string; row_id: string; data: string }>) {
  const pending = queued.filter((row) => row.data === "");
  if (pending.length === 0) return;
  const ids = (kind: string) => pending.filter((row) => row.kind === kind).map((row) => row.row_id);
  const computed = new Map<string, string>();
  for (const event of await tx.consentEvent.findMany({ where: { id: { in: ids("consent_event") } } })) {
    computed.set(event.id, consentEventLeaf(event).data);
  }
  for (const row of await tx.accessLog.findMany({ where: { id: { in: ids("access_log") } } })) {
    computed.set(row.id, accessLogLeaf(row).data);
  }
  for (const row of await tx.adminChange.findMany({ where: { id: { in: ids("admin_change") } } })) {
    computed.set(row.id, adminChangeLeaf(row).data);
  }
  for (const row of pending) row.data = computed.get(row.row_id) ?? "";
}
