import "server-only";
import { setTimeout as wait } from "node:timers/promises";
import type { Actor } from "@/lib/auth/actor";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { AppError } from "@/lib/errors";
import {
  openAuth0UsersExportFile,
  refreshAuth0UsersExport,
  startAuth0UsersExport,
} from "@/lib/exports/auth0-users-export";
import { importLegacyConsents, type LegacyImportReport } from "./import-legacy-consents";

export interface ImportAuth0UsersExportOptions {
  auth0?: Auth0Gateway;
  /** How often to ask Auth0 whether the export job is done. */
  pollIntervalMs?: number;
  /** Give up waiting for the job after this long. */
  timeoutMs?: number;
  onProgress?: (message: string) => void;
}

/**
 * `npm run import:auth0`: runs an Auth0 users-export job (NDJSON, the portal's export fields:
 * user id, email, name, `consent`, `deleted`) through the existing export path (recorded and
 * access-logged like an admin's), waits for it, and streams the file into `importLegacyConsents`.
 */
export async function importAuth0UsersExport(
  actor: Actor,
  options: ImportAuth0UsersExportOptions = {},
): Promise<LegacyImportReport & { exportJobId: string }> {
  const auth0 = options.auth0 ?? portalAuth0();
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  const job = await startAuth0UsersExport({ format: "ndjson" }, actor, auth0);
  options.onProgress?.(`Auth0 export job ${job.auth0JobId} started.`);
  for (;;) {
    const progress = await refreshAuth0UsersExport(job.id, auth0);
    if (progress.job.status === "completed") break;
    if (progress.job.status === "failed")
      throw new AppError("upstream_unavailable", "Auth0 reported that the export failed.");
    if (Date.now() > deadline) throw new AppError("upstream_unavailable", "The Auth0 export did not finish in time.");
    if (progress.percentageDone !== null) options.onProgress?.(`Export ${progress.percentageDone}% done.`);
    await wait(pollIntervalMs);
  }
  const file = await openAuth0UsersExportFile({ jobId: job.id }, actor, auth0);
  options.onProgress?.("Export downloaded; importing.");
  const report = await importLegacyConsents(file.stream, actor);
  return { ...report, exportJobId: job.id };
}
