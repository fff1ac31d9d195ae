import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { inTransaction } from "@/lib/db/transaction";
import { env } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { appendAdminChange } from "./append-admin-change";
import { registerApiClientSchema, type RegisterApiClientInput } from "./schemas";

export function requireAdmin(actor: Actor): void {
  if (actor.kind !== "staff" || !actor.roles.includes("admin")) {
    throw new AppError("forbidden", "Only admins manage API clients.");
  }
}

/**
 * Registers an API client (ADR 033): an Auth0 machine-to-machine application with a client grant
 * for the portal's API audience and the chosen scopes, created through the Management API, then
 * recorded here with its admin change. Returns the client secret: the only time the portal sees
 * it (it is not stored). If the record cannot be written, the Auth0 application is deleted again.
 */
export async function registerApiClient(
  input: RegisterApiClientInput,
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<{ clientId: string; clientSecret: string }> {
  requireAdmin(actor);
  const { name, scopes } = parseInput(registerApiClientSchema, input);
  const scope = [...new Set(scopes)].sort().join(" ");
  const created = await auth0.createMachineClient({ name, description: "Consent Portal API client" });
  try {
    await auth0.createClientGrant({
      clientId: created.clientId,
      audience: env().API_AUDIENCE,
      scopes: scope.split(" "),
    });
    await inTransaction(undefined, async (tx) => {
      await tx.apiClient.create({ data: { clientId: created.clientId, name, scope, createdBy: actor.id } });
      await appendAdminChange(
        { action: "api_client.register", target: created.clientId, after: { name, scope } },
        actor,
        tx,
      );
    });
  } catch (error) {
    await auth0.deleteClient(created.clientId).catch((cleanup: unknown) => {
      logger.error({ err: cleanup, clientId: created.clientId }, "could not delete a half-registered API client");
    });
    throw error;
  }
  return created;
}
