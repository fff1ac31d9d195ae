import "server-only";
import { db } from "@/lib/db/client";

export interface LogEntry {
  index: number;
  kind: string;
  /** The leaf data exactly as hashed (RFC 8785 JSON). */
  data: string;
}

/** Leaves `start` (inclusive) to `end` (exclusive) in log order; fewer at the end of the log. */
export async function readLogEntries(start: number, end: number): Promise<LogEntry[]> {
  const rows = await db().$queryRaw<Array<{ log_index: bigint; kind: string; data: string }>>`
    SELECT log_index, kind::text AS kind, data FROM "LogLeaf"
    WHERE log_index >= ${BigInt(start)} AND log_index < ${BigInt(end)}
    ORDER BY log_index`;
  return rows.map((row) => ({ index: Number(row.log_index), kind: row.kind, data: row.data }));
}
