import "server-only";
import { randomUUID } from "node:crypto";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { env } from "@/lib/env";
import { parseInput } from "@/lib/errors";
import { checkEndpointUrl } from "./endpoint-address";
import { registerWebhookEndpointSchema, WEBHOOK_EVENT_TYPES, type RegisterWebhookEndpointInput } from "./schemas";
import { generateWebhookSecret, sealWebhookSecret } from "./webhook-secret";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-endpoint-view";

/**
 * Registers an endpoint for the chosen events. The URL must be http(s) and, unless
 * WEBHOOK_ALLOW_PRIVATE is set, reach only public addresses (SSRF). Returns the secret
 * (`whsec_…`): shown to the admin once; the portal keeps it sealed under the master key.
 */
export async function registerWebhookEndpoint(
  input: RegisterWebhookEndpointInput,
  actor: Actor,
  tx?: Tx,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const request = parseInput(registerWebhookEndpointSchema, input);
  const url = await checkEndpointUrl(request.url, env().WEBHOOK_ALLOW_PRIVATE);
  // In the order of the list, so the page and the audit row read the same whatever order was ticked.
  const events = WEBHOOK_EVENT_TYPES.filter((type) => request.events.includes(type));
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const endpoint = await inTransaction(tx, async (tx) => {
    const row = await tx.webhookEndpoint.create({
      data: {
        id,
        url: url.href,
        description: request.description,
        events,
        secretSealed: sealWebhookSecret(id, secret),
        createdBy: actor.id,
      },
    });
    await appendAdminChange({ action: "webhook.register", target: id, after: { url: row.url, events } }, actor, tx);
    return row;
  });
  return { endpoint: toWebhookEndpointView(endpoint), secret };
}
