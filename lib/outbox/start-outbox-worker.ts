import "server-only";
import { logger } from "@/lib/logger";
import { runOutboxWorker } from "./run-outbox-worker";

let started = false;

/** Starts the outbox loop once per server process; it ends with the process. */
export function startOutboxWorker(): void {
  if (started) return;
  started = true;
  void runOutboxWorker({
    signal: new AbortController().signal,
    intervalMs: 500,
    onBatch: (report) => {
      if (report.claimed > 0) logger.info({ outbox: report }, "outbox batch");
    },
    onWebhookBatch: (report) => {
      if (report.claimed > 0) logger.info({ webhooks: report }, "webhook batch");
    },
    onError: (error) =>
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "outbox delivery failed"),
  });
}
