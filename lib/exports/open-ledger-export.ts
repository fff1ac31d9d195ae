import "server-only";
import { pipeline, type Readable } from "node:stream";
import type pg from "pg";
import QueryStream from "pg-query-stream";
import { CONTENT_TYPES, createExportFormatter, FILE_EXTENSIONS } from "./export-format";
import { connectForExport, exportReadPool } from "./export-pool";
import { buildCountQuery, buildExportQuery, EXPORT_COLUMNS } from "./export-query";
import { exportFilters, type ExportRequest } from "./schemas";

/** Rows fetched per round trip; also about the most rows held in memory at once. */
const CURSOR_BATCH = 1_000;

export interface LedgerExport {
  /** The file's bytes, read from PostgreSQL as they are consumed (backpressure reaches the cursor). */
  stream: Readable;
  /** Rows the snapshot holds (when counted). */
  total: number | null;
  /** Rows written so far. */
  rows(): number;
  contentType: string;
  filename: string;
}

/** `consent-state-20261123T021700Z.csv` */
export function exportFilename(dataset: string, format: keyof typeof FILE_EXTENSIONS, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `${dataset.replaceAll("_", "-")}-${stamp}.${FILE_EXTENSIONS[format]}`;
}

async function count(client: pg.Pool | pg.PoolClient, request: ExportRequest): Promise<number> {
  const query = buildCountQuery(request);
  const result = await client.query<{ count: number }>(query.text, query.values);
  return result.rows[0]?.count ?? 0;
}

/** How many rows an export would have now (on the read replica when there is one). */
export function countLedgerExport(request: ExportRequest): Promise<number> {
  return count(exportReadPool(), request);
}

/**
 * Streams an export straight from PostgreSQL. The rows come from one read-only REPEATABLE READ
 * snapshot (the file shows the ledger at one instant, and `total` counts exactly its rows)
 * through a server-side cursor that fetches `CURSOR_BATCH` rows only when the consumer has
 * taken the previous ones: memory stays flat whatever the number of rows. The connection is
 * returned when the stream ends, and dropped if it fails or the consumer goes away.
 */
export async function openLedgerExport(
  request: ExportRequest,
  options: { exportedAt?: Date; count?: boolean } = {},
): Promise<LedgerExport> {
  const exportedAt = options.exportedAt ?? new Date();
  const output: { stream?: Readable } = {};
  // A failed or abandoned cursor leaves the connection mid-transaction: release(error) discards it.
  // From the read replica when there is one (ADR 039): a snapshot of a moment the primary has passed.
  const { client, release } = await connectForExport((error) => output.stream?.destroy(error), { from: "replica" });
  let total: number | null = null;
  let rows: Readable;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (options.count) total = await count(client, request);
    const { text, values } = buildExportQuery(request);
    rows = client.query(new QueryStream(text, values, { batchSize: CURSOR_BATCH, highWaterMark: CURSOR_BATCH }));
  } catch (error) {
    release(error as Error);
    throw error;
  }
  const formatter = createExportFormatter(request.format, {
    dataset: request.dataset,
    exportedAt: exportedAt.toISOString(),
    filters: exportFilters(request),
    columns: EXPORT_COLUMNS[request.dataset],
  });
  const stream = pipeline(rows, formatter.stream, (error) => {
    if (error) return release(error);
    client.query("COMMIT").then(
      () => release(),
      (commitError: Error) => release(commitError),
    );
  });
  output.stream = stream;
  return {
    stream,
    total,
    rows: () => formatter.rows(),
    contentType: CONTENT_TYPES[request.format],
    filename: exportFilename(request.dataset, request.format, exportedAt),
  };
}
