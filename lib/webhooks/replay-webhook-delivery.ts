import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { Prisma, WebhookDelivery } from "@/lib/generated/prisma/client";
import { replayWebhookDeliverySchema, type ReplayWebhookDeliveryInput } from "./schemas";

/**
 * Sends a delivery again: a new delivery at the end of the endpoint's queue with the same
 * message (same `webhook-id`, so a receiver that already has it can tell), retried like any
 * other. The original keeps its log. A delivery still pending is not replayed.
 */
export async function replayWebhookDelivery(
  input: ReplayWebhookDeliveryInput,
  actor: Actor,
  tx?: Tx,
): Promise<WebhookDelivery> {
  const { deliveryId } = parseInput(replayWebhookDeliverySchema, input);
  return inTransaction(tx, async (tx) => {
    const original = await tx.webhookDelivery.findUnique({ where: { id: deliveryId } });
    if (!original) throw new AppError("not_found", "No such delivery.", { field: "deliveryId" });
    if (original.status === "pending") {
      throw new AppError("conflict", "This delivery is still being tried; wait for it to finish.");
    }
    const replay = await tx.webhookDelivery.create({
      data: {
        endpointId: original.endpointId,
        messageId: original.messageId,
        eventType: original.eventType,
        orderingKey: original.orderingKey,
        payload: original.payload as Prisma.InputJsonValue,
        replayOf: original.id,
      },
    });
    await appendAdminChange(
      { action: "webhook.replay", target: original.id, after: { replayDeliveryId: replay.id } },
      actor,
      tx,
    );
    return replay;
  });
}
