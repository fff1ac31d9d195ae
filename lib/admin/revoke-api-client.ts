import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { appendAdminChange } from "./append-admin-change";
import { requireAdmin } from "./register-api-client";
import { revokeApiClientSchema } from "./schemas";

/**
 * Revokes an API client: its tokens are refused from the moment this commits (the portal checks
 * the client on every call), then its Auth0 application is deleted so it gets no new ones. If
 * Auth0 cannot be reached, the revocation stands and the deletion is logged as failed.
 * Revoking it again changes nothing.
 */
export async function revokeApiClient(
  input: { clientId: string },
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<void> {
  requireAdmin(actor);
  const { clientId } = parseInput(revokeApiClientSchema, input);
  const revoked = await inTransaction(undefined, async (tx) => {
    const { count } = await tx.apiClient.updateMany({
      where: { clientId, revokedAt: null },
      data: { revokedAt: new Date(), revokedBy: actor.id },
    });
    if (count > 0) {
      await appendAdminChange({ action: "api_client.revoke", target: clientId }, actor, tx);
      return true;
    }
    if (!(await tx.apiClient.count({ where: { clientId } }))) {
      throw new AppError("not_found", "No such API client.", { field: "clientId" });
    }
    return false;
  });
  if (!revoked) return;
  await auth0.deleteClient(clientId).catch((error: unknown) => {
    logger.error({ err: error, clientId }, "API client revoked, but its Auth0 application could not be deleted");
  });
}
