import "server-only";
import { db } from "@/lib/db/client";
import { logConfig } from "./log-config";

export interface StoredCheckpoint {
  size: number;
  rootHash: Uint8Array;
  /** The note as the log signed it. */
  logNote: string;
  /** The same note followed by the cosignature lines of the witnesses that signed it. */
  note: string;
  createdAt: Date;
  cosignatures: Array<{ witness: string; cosignedAt: Date }>;
}

interface CheckpointRow {
  size: bigint;
  root_hash: Uint8Array;
  note: string;
  created_at: Date;
  witnesses: string[] | null;
  signatures: string[] | null;
  cosigned_at: Date[] | null;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  const signatures = row.signatures ?? [];
  return {
    size: Number(row.size),
    rootHash: row.root_hash,
    logNote: row.note,
    // A cosignature is one more signature line of the same note (C2SP tlog-cosignature).
    note: row.note + signatures.map((line) => (line.endsWith("\n") ? line : `${line}\n`)).join(""),
    createdAt: row.created_at,
    cosignatures: (row.witnesses ?? []).map((witness, index) => ({ witness, cosignedAt: row.cosigned_at![index]! })),
  };
}

/**
 * Checkpoints, newest first, with the cosignatures of the configured witnesses. With
 * `witnessed`, only those cosigned by at least the quorum; with `minSize`, only trees that large.
 */
export async function readCheckpoints(
  options: { witnessed?: boolean; minSize?: number; limit?: number } = {},
): Promise<StoredCheckpoint[]> {
  if (options.witnessed) return readWitnessedCheckpoints({ ...options, order: "newest" });
  const names = logConfig().witnesses.map((witness) => witness.name);
  const minSize = BigInt(options.minSize ?? 0);
  const limit = options.limit ?? 1;
  const sizes = await db().$queryRaw<Array<{ size: bigint }>>`
    SELECT size FROM "LogCheckpoint" WHERE size >= ${minSize} ORDER BY size DESC LIMIT ${limit}`;
  return readCheckpointsOfSizes(sizes, names);
}

/** Checkpoints cosigned by at least the quorum (every checkpoint when no witness is configured). */
async function readWitnessedCheckpoints(options: {
  minSize?: number;
  limit?: number;
  order: "newest" | "oldest";
}): Promise<StoredCheckpoint[]> {
  const { witnesses, quorum } = logConfig();
  const names = witnesses.map((witness) => witness.name);
  const minSize = BigInt(options.minSize ?? 0);
  const limit = options.limit ?? 1;
  const newest = options.order === "newest";
  // Witnessed checkpoints are found from the cosignatures (few) rather than from every checkpoint.
  const sizes =
    quorum === 0
      ? newest
        ? await db().$queryRaw<Array<{ size: bigint }>>`
            SELECT size FROM "LogCheckpoint" WHERE size >= ${minSize} ORDER BY size DESC LIMIT ${limit}`
        : await db().$queryRaw<Array<{ size: bigint }>>`
            SELECT size FROM "LogCheckpoint" WHERE size >= ${minSize} ORDER BY size ASC LIMIT ${limit}`
      : newest
        ? await db().$queryRaw<Array<{ size: bigint }>>`
            SELECT size FROM (
              -- The newest cosignatures only (a backward scan of the primary key): a log cosigns
              -- about once a second, so grouping every cosignature ever made would grow without end.
              SELECT size FROM "LogCosignature"
              WHERE witness = ANY(${names}::text[]) AND size >= ${minSize}
              ORDER BY size DESC LIMIT ${Math.max(1_000, limit * names.length)}
            ) AS recent
            GROUP BY size HAVING count(*) >= ${quorum}
            ORDER BY size DESC LIMIT ${limit}`
        : // A forward scan of the primary key from minSize, grouped as it goes: stops at the first.
          await db().$queryRaw<Array<{ size: bigint }>>`
            SELECT size FROM "LogCosignature"
            WHERE witness = ANY(${names}::text[]) AND size >= ${minSize}
            GROUP BY size HAVING count(*) >= ${quorum}
            ORDER BY size ASC LIMIT ${limit}`;
  return readCheckpointsOfSizes(sizes, names);
}

async function readCheckpointsOfSizes(sizes: Array<{ size: bigint }>, names: string[]): Promise<StoredCheckpoint[]> {
  if (sizes.length === 0) return [];
  const rows = await db().$queryRaw<CheckpointRow[]>`
    SELECT c.size, c.root_hash, c.note, c.created_at,
           array_agg(s.witness ORDER BY s.witness) FILTER (WHERE s.witness IS NOT NULL) AS witnesses,
           array_agg(s.signature ORDER BY s.witness) FILTER (WHERE s.witness IS NOT NULL) AS signatures,
           array_agg(s.cosigned_at ORDER BY s.witness) FILTER (WHERE s.witness IS NOT NULL) AS cosigned_at
    FROM "LogCheckpoint" c
    LEFT JOIN "LogCosignature" s ON s.size = c.size AND s.witness = ANY(${names}::text[])
    WHERE c.size = ANY(${sizes.map((row) => row.size)}::bigint[])
    GROUP BY c.size
    ORDER BY c.size DESC`;
  return rows.map(toCheckpoint);
}

/** The newest checkpoint cosigned by the quorum (any checkpoint when no witness is configured). */
export async function latestWitnessedCheckpoint(minSize = 0): Promise<StoredCheckpoint | null> {
  return (await readWitnessedCheckpoints({ minSize, order: "newest" }))[0] ?? null;
}

/**
 * The oldest checkpoint cosigned by the quorum whose tree holds `minSize` leaves: a receipt pins
 * its proof to it, so the receipt file stays the same however much the log grows afterwards.
 */
export async function firstWitnessedCheckpoint(minSize: number): Promise<StoredCheckpoint | null> {
  return (await readWitnessedCheckpoints({ minSize, order: "oldest" }))[0] ?? null;
}
