import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { rotateWebhookSecretSchema, type RotateWebhookSecretInput } from "./schemas";
import { generateWebhookSecret, sealWebhookSecret } from "./webhook-secret";

/**
 * Gives an endpoint a new secret. For `overlapHours` the previous secret signs too (every
 * delivery carries both signatures), so the receiver can switch to the new secret at its own
 * pace; 0 ends the old one at once. Returns the new secret, shown once.
 */
export async function rotateWebhookSecret(
  input: RotateWebhookSecretInput,
  actor: Actor,
  tx?: Tx,
): Promise<{ secret: string; previousSecretExpiresAt: Date }> {
  const request = parseInput(rotateWebhookSecretSchema, input);
  const secret = generateWebhookSecret();
  const previousSecretExpiresAt = new Date(Date.now() + request.overlapHours * 3_600_000);
  return inTransaction(tx, async (tx) => {
    // Locked, so two rotations at once cannot both keep the same "previous" secret.
    const rows = await tx.$queryRaw<{ secret_sealed: Uint8Array }[]>`
      SELECT secret_sealed FROM "WebhookEndpoint" WHERE id = ${request.endpointId}::uuid FOR UPDATE`;
    const current = rows[0];
    if (!current) throw new AppError("not_found", "No such webhook endpoint.", { field: "endpointId" });
    await tx.webhookEndpoint.update({
      where: { id: request.endpointId },
      data: {
        secretSealed: sealWebhookSecret(request.endpointId, secret),
        previousSecretSealed: new Uint8Array(current.secret_sealed),
        previousSecretExpiresAt,
      },
    });
    await appendAdminChange(
      {
        action: "webhook.rotate_secret",
        target: request.endpointId,
        after: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
      },
      actor,
      tx,
    );
    return { secret, previousSecretExpiresAt };
  });
}
