import "server-only";
import { db, type Tx } from "@/lib/db/client";
import type { Purpose } from "@/lib/generated/prisma/client";

/**
 * Purposes in display order (required first). Retired purposes are no longer offered, so they
 * are left out unless `includeRetired` (admin and history views).
 */
export function listPurposes(tx?: Tx, options: { includeRetired?: boolean } = {}): Promise<Purpose[]> {
  return (tx ?? db()).purpose.findMany({
    where: options.includeRetired ? {} : { retiredAt: null },
    orderBy: [{ required: "desc" }, { position: "asc" }, { key: "asc" }],
  });
}
