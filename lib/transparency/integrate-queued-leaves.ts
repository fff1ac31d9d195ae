import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { formatCheckpoint } from "@/lib/tlog/checkpoint";
import { leafHash } from "@/lib/tlog/merkle";
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
    const queued = await tx.$queryRaw<Array<{ id: bigint; kind: string; row_id: string; data: string }>>`
      SELECT q.id, q.kind::text AS kind, q.row_id::text AS row_id, q.data
      FROM "LogQueue" q ORDER BY q.id LIMIT ${maxBatch}`;
    if (queued.length === 0) return { integrated: 0, size };
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
    if (fresh.length === 0) return { integrated: 0, size };

    await computeBackfilledLeaves(tx, fresh);
    const leaves = fresh.filter((row) => row.data !== "");
    if (leaves.length === 0) return { integrated: 0, size };

    const edge = await readTiles(tx, rightEdgeTileIds(size));
    const grown = appendLeaves({
      size,
      rightEdgeTiles: edge,
      leafHashes: leaves.map((row) => leafHash(utf8.encode(row.data))),
    });
    await tx.$executeRaw`
      INSERT INTO "LogLeaf" (log_index, kind, row_id, data)
      SELECT * FROM unnest(
        ${leaves.map((_, offset) => BigInt(size + offset))}::bigint[],
        ${leaves.map((row) => row.kind)}::"LogLeafKind"[],
        ${leaves.map((row) => row.row_id)}::uuid[],
        ${leaves.map((row) => row.data)}::text[]
      )`;
    await writeTiles(tx, grown.tiles);
    const note = signNote(
      formatCheckpoint({ origin: config.origin, size: grown.size, root: grown.root }),
      config.signerKey,
    );
    await tx.logCheckpoint.create({
      data: { size: BigInt(grown.size), rootHash: Buffer.from(grown.root), note },
    });
    return { integrated: leaves.length, size: grown.size };
  }, TRANSACTION_OPTIONS);
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
