import "server-only";
import { actorChannel, actorRole, auditActor, type Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { accessLogLeaf } from "@/lib/transparency/leaf-data";
import { enqueueLeaves } from "@/lib/transparency/enqueue-leaves";
import { parseInput } from "@/lib/errors";
import type { AccessLog, Prisma } from "@/lib/generated/prisma/client";
import { accessLogEntrySchema, type AccessLogEntry } from "./schemas";

/**
 * Records a staff read, search or export by `actor`. Pass the transaction of the read when there
 * is one; like the ledger, a failed log write fails the request (no best-effort auditing).
 */
export async function appendAccessLog(entry: AccessLogEntry, actor: Actor, tx?: Tx): Promise<AccessLog> {
  const { detail, subjectId, action } = parseInput(accessLogEntrySchema, entry);
  return inTransaction(tx, async (tx) => {
    const row = await tx.accessLog.create({
      data: {
        ...auditActor(actor),
        actorRole: actorRole(actor),
        action,
        subjectId: subjectId ?? null,
        detail: { ...actorChannel(actor), ...(detail ?? {}) } as Prisma.InputJsonValue,
      },
    });
    await enqueueLeaves(tx, [accessLogLeaf(row)]);
    return row;
  });
}
