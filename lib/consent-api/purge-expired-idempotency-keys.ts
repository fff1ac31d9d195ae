import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";

const BATCH = 5_000;

/**
 * Deletes API idempotency keys (and their stored answers) older than the retention
 * (API_IDEMPOTENCY_RETENTION_DAYS, ADR 033), a batch per statement so no delete holds many locks
 * for long. A retry with a purged key runs again; the ledger's own keys, derived from the
 * client's, still keep a decision from being recorded twice. Returns how many were deleted.
 */
export async function purgeExpiredIdempotencyKeys(
  options: { retentionDays?: number; now?: Date } = {},
): Promise<number> {
  const days = options.retentionDays ?? env().API_IDEMPOTENCY_RETENTION_DAYS;
  const cutoff = new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const deleted = await db().$executeRaw`
      DELETE FROM "ApiIdempotencyKey" WHERE (client_id, key) IN (
        SELECT client_id, key FROM "ApiIdempotencyKey" WHERE created_at < ${cutoff} LIMIT ${BATCH})`;
    purged += deleted;
    if (deleted < BATCH) return purged;
  }
}
