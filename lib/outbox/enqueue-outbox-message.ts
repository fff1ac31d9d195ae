import "server-only";
import type { Tx } from "@/lib/db/client";
import type { OutboxKind } from "@/lib/generated/prisma/client";

/**
 * Queues a change for Auth0 in the transaction of the ledger event it follows from, so the two
 * commit or fail together. `seq` is the subject's chain position after the event. Subjects with
 * no Auth0 user (e.g. imported) have nothing to sync.
 */
export async function enqueueOutboxMessage(
  message: { subjectId: string; seq: number; kind: OutboxKind; auth0UserId: string | null },
  tx: Tx,
): Promise<void> {
  if (!message.auth0UserId) return;
  await tx.outboxMessage.create({ data: message });
}
