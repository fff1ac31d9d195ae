import "server-only";
import { logger } from "@/lib/logger";
import { findStalledExportJobs, runLedgerExportJob } from "./run-ledger-export-job";
import { purgeExpiredExportJobs } from "./start-ledger-export-job";

const INTERVAL_MS = 30_000;
let started = false;

/**
 * The scheduled side of export jobs, once per server process: jobs whose process died are taken
 * over (leases make several instances safe), and jobs past their retention are deleted. Neither
 * starting an export nor polling one does this.
 */
export function startExportMaintenance(): void {
  if (started) return;
  started = true;
  let running = false;
  const tick = async () => {
    if (running) return; // a long take-over is still going: the next tick looks again
    running = true;
    try {
      const purged = await purgeExpiredExportJobs();
      if (purged) logger.info({ purged }, "expired export jobs deleted");
      for (const id of await findStalledExportJobs()) {
        await runLedgerExportJob(id).catch((error: unknown) => logger.error({ err: error, id }, "export job"));
      }
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "export maintenance failed");
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), INTERVAL_MS).unref();
}
