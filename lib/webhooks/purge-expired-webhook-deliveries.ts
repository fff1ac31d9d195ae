import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

const BATCH = 5_000;

/**
 * Deletes finished webhook deliveries (delivered, or given up after 3 days) created longer ago
 * than the retention (WEBHOOK_DELIVERY_RETENTION_DAYS, ADR 034), a batch per statement. A
 * delivery still being tried is never deleted, so the order per person and the retries are
 * untouched; a purged delivery leaves the log and can no longer be replayed. Returns how many.
 */
export async function purgeExpiredWebhookDeliveries(
  options: { retentionDays?: number; now?: Date } = {},
): Promise<number> {
  const days = options.retentionDays ?? env().WEBHOOK_DELIVERY_RETENTION_DAYS;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const deleted = await db().$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE id IN (
        SELECT id FROM "WebhookDelivery"
        WHERE status IN ('delivered', 'failed') AND created_at < ${cutoff} LIMIT ${BATCH})`;
    purged += deleted;
    if (deleted < BATCH) return purged;
  }
}
