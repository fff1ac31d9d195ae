import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { webhookEndpointIdSchema, type WebhookEndpointIdInput } from "./schemas";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-endpoint-view";

/**
 * Disables an endpoint: nothing more is queued for it, and what is queued waits. Enabling it
 * again resumes those deliveries in order and starts a fresh failure count.
 */
export async function disableWebhookEndpoint(
  input: WebhookEndpointIdInput & { reason?: string },
  actor: Actor,
  tx?: Tx,
): Promise<WebhookEndpointView> {
  const { endpointId } = parseInput(webhookEndpointIdSchema, { endpointId: input.endpointId });
  const reason = input.reason ?? `Disabled by ${actor.displayName}.`;
  return inTransaction(tx, async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, disabledAt: null },
      data: { disabledAt: new Date(), disabledReason: reason.slice(0, 1_000) },
    });
    if (changed.count > 0) {
      await appendAdminChange({ action: "webhook.disable", target: endpointId, after: { reason } }, actor, tx);
    }
    return readOrFail(tx, endpointId);
  });
}

export async function enableWebhookEndpoint(
  input: WebhookEndpointIdInput,
  actor: Actor,
  tx?: Tx,
): Promise<WebhookEndpointView> {
  const { endpointId } = parseInput(webhookEndpointIdSchema, input);
  return inTransaction(tx, async (tx) => {
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, disabledAt: { not: null } },
      data: { disabledAt: null, disabledReason: null, failingSince: null, consecutiveFailures: 0 },
    });
    if (changed.count > 0) await appendAdminChange({ action: "webhook.enable", target: endpointId }, actor, tx);
    return readOrFail(tx, endpointId);
  });
}

async function readOrFail(tx: Tx, endpointId: string): Promise<WebhookEndpointView> {
  const row = await tx.webhookEndpoint.findUnique({ where: { id: endpointId } });
  if (!row) throw new AppError("not_found", "No such webhook endpoint.", { field: "endpointId" });
  return toWebhookEndpointView(row);
}
