import "server-only";
import { env } from "@/lib/env";
import { parseInput } from "@/lib/errors";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { countLedgerExport, openLedgerExport, type LedgerExport } from "./open-ledger-export";
import { exportFilters, exportRequestSchema, type ExportRequestInput } from "./schemas";

/** The staff member asking, as the access log records them. */
export interface ExportActor {
  id: string;
  role: "admin" | "compliance";
}

export type LedgerDownload = { kind: "job_required"; rows: number } | ({ kind: "stream" } & LedgerExport);

/**
 * An export downloaded at once. Exports above `EXPORT_DIRECT_MAX_ROWS` are refused here and
 * run as jobs instead (a browser download of minutes fails silently). The download is written
 * to the access log before the first byte leaves; if that write fails, nothing is exported.
 */
export async function startLedgerDownload(input: {
  request: ExportRequestInput;
  actor: ExportActor;
}): Promise<LedgerDownload> {
  const request = parseInput(exportRequestSchema, input.request);
  const rows = await countLedgerExport(request);
  if (rows > env().EXPORT_DIRECT_MAX_ROWS) return { kind: "job_required", rows };
  await appendAccessLog({
    actorId: input.actor.id,
    actorRole: input.actor.role,
    action: "report.export",
    detail: {
      dataset: request.dataset,
      format: request.format,
      filters: exportFilters(request),
      mode: "download",
      rows,
    },
  });
  return { kind: "stream", ...(await openLedgerExport(request)) };
}
