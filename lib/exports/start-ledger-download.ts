import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import type { Actor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { parseInput } from "@/lib/errors";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { countLedgerExport, openLedgerExport, type LedgerExport } from "./open-ledger-export";
import { exportFilters, exportRequestSchema, type ExportRequestInput } from "./schemas";

export type LedgerDownload = { kind: "job_required"; rows: number } | ({ kind: "stream" } & LedgerExport);

/**
 * An export downloaded at once. Exports above `EXPORT_DIRECT_MAX_ROWS` are refused here and
 * run as jobs instead (a browser download of minutes fails silently). The download is written
 * to the access log before the first byte leaves; if that write fails, nothing is exported.
 */
export async function startLedgerDownload(input: ExportRequestInput, actor: Actor): Promise<LedgerDownload> {
  const request = parseInput(exportRequestSchema, input);
  await consumeRateLimit("exportsPerUser", actor.id);
  const rows = await countLedgerExport(request);
  if (rows > env().EXPORT_DIRECT_MAX_ROWS) return { kind: "job_required", rows };
  await appendAccessLog(
    {
      action: "report.export",
      detail: {
        dataset: request.dataset,
        format: request.format,
        filters: exportFilters(request),
        mode: "download",
        rows,
      },
    },
    actor,
  );
  return { kind: "stream", ...(await openLedgerExport(request)) };
}
