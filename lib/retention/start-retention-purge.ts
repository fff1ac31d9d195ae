import "server-only";
import { purgeExpiredIdempotencyKeys } from "@/lib/consent-api/purge-expired-idempotency-keys";
import { logger } from "@/lib/logger";
import { purgeExpiredWebhookDeliveries } from "@/lib/webhooks/purge-expired-webhook-deliveries";

const INTERVAL_MS = 60 * 60_000;
let started = false;

/**
 * The scheduled purge of the API's operational records past their retention, once per server
 * process (as the export maintenance): idempotency keys (API_IDEMPOTENCY_RETENTION_DAYS) and
 * finished webhook deliveries (WEBHOOK_DELIVERY_RETENTION_DAYS). Hourly, and a minute after
 * start; several instances purging at once only delete the same rows once. Evidence (the
 * ledger, the access log, admin changes) is never purged here.
 */
export function startRetentionPurge(): void {
  if (started) return;
  started = true;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const idempotencyKeys = await purgeExpiredIdempotencyKeys();
      const webhookDeliveries = await purgeExpiredWebhookDeliveries();
      if (idempotencyKeys || webhookDeliveries) {
        logger.info({ idempotencyKeys, webhookDeliveries }, "records past their retention deleted");
      }
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "retention purge failed");
    } finally {
      running = false;
    }
  };
  setTimeout(() => void tick(), 60_000).unref();
  setInterval(() => void tick(), INTERVAL_MS).unref();
}
