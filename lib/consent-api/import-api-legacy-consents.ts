import "server-only";
import type { Readable } from "node:stream";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { importLegacyConsents, type LegacyImportReport } from "@/lib/imports/import-legacy-consents";
import { appendAccessLog } from "@/lib/ledger/append-access-log";

/**
 * The legacy import for an API client (scope `consent:import`, ADR 034): the uploaded NDJSON
 * (an Auth0 users export) streamed line by line into `importLegacyConsents`, exactly as
 * `npm run import:auth0 -- --file` does, so an upload cut off midway is resumed by sending the
 * file again (lines already imported are recognised). The call is in the access log with its counts.
 */
export async function importApiLegacyConsents(upload: Readable, actor: Actor): Promise<LegacyImportReport> {
  if (actor.kind !== "api_client") throw new AppError("forbidden", "Only API clients call the consent API.");
  const report = await importLegacyConsents(upload, actor);
  await appendAccessLog(
    {
      action: "api.consent.import",
      detail: {
        lines: report.lines,
        imported: report.imported,
        events: report.events,
        alreadyImported: report.alreadyImported,
        skipped: report.skippedCount,
        rejected: report.rejectedCount,
      },
    },
    actor,
  );
  return report;
}
