import "server-only";
import type { Db, Tx } from "@/lib/db/client";
import { tileKey, type TileId } from "@/lib/tlog/tiles";

/**
 * Reads tiles (any that exist) in one query. The hashes come as bytea: with named statements
 * (ADR 044) as fast as base64 text, which they were sent as before, and base64's 11 KB strings
 * made each young-generation collection of a process reading proofs about ten times as long
 * (ADR 045).
 */
export async function readTiles(client: Db | Tx, tiles: TileId[]): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  if (tiles.length === 0) return found;
  const rows = await client.$queryRaw<Array<{ level: number; tile_index: bigint; hashes: Uint8Array }>>`
    SELECT t.level, t.tile_index, t.hashes
    FROM "LogTile" t
    JOIN unnest(${tiles.map((tile) => tile.level)}::int[], ${tiles.map((tile) => BigInt(tile.index))}::bigint[])
      AS wanted(level, tile_index)
      ON t.level = wanted.level AND t.tile_index = wanted.tile_index`;
  for (const row of rows) {
    found.set(tileKey({ level: row.level, index: Number(row.tile_index) }), row.hashes);
  }
  return found;
}

/**
 * The tiles a proof needs and the log's size (its latest checkpoint), in one statement: one
 * round trip and one snapshot, so the tiles are those of a tree at least that large.
 */
export async function readProofTiles(
  client: Db | Tx,
  tiles: TileId[],
): Promise<{ logSize: number; tiles: Map<string, Uint8Array> }> {
  const rows = await client.$queryRaw<
    Array<{ log_size: bigint | null; level: number | null; tile_index: bigint | null; hashes: Uint8Array | null }>
  >`
    SELECT c.log_size, t.level, t.tile_index, t.hashes
    FROM (SELECT max(size) AS log_size FROM "LogCheckpoint") c
    LEFT JOIN ("LogTile" t
      JOIN unnest(${tiles.map((tile) => tile.level)}::int[], ${tiles.map((tile) => BigInt(tile.index))}::bigint[])
        AS wanted(level, tile_index)
        ON t.level = wanted.level AND t.tile_index = wanted.tile_index) ON true`;
  const found = new Map<string, Uint8Array>();
  for (const row of rows) {
    if (row.level === null || row.tile_index === null || row.hashes === null) continue;
    found.set(tileKey({ level: row.level, index: Number(row.tile_index) }), row.hashes);
  }
  return { logSize: Number(rows[0]?.log_size ?? 0), tiles: found };
}

/** Writes tiles whose contents grew (the right edge of each level) or appeared. */
export async function writeTiles(tx: Tx, tiles: Array<TileId & { data: Uint8Array }>): Promise<void> {
  if (tiles.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "LogTile" (level, tile_index, hashes)
    SELECT * FROM unnest(
      ${tiles.map((tile) => tile.level)}::int[],
      ${tiles.map((tile) => BigInt(tile.index))}::bigint[],
      ${tiles.map((tile) => Buffer.from(tile.data))}::bytea[]
    )
    ON CONFLICT (level, tile_index) DO UPDATE SET hashes = EXCLUDED.hashes`;
}
