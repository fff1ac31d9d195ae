import { createHash } from "node:crypto";
import { DATABASE_CONNECTION, type TenantStore } from "./store.js";

/** The tenant's name (Auth0 uses it as the export file name and in client resources). */
export const TENANT_NAME = "emulator";

/** The emulator's password policy: Auth0's "low" policy raised to 8 characters, stated in the connection's options. */
export const PASSWORD_MIN_LENGTH = 8;

export interface DatabaseConnection {
  id: string;
  name: string;
  strategy: "auth0";
}

/**
 * The tenant has one database connection, Auth0's default `Username-Password-Authentication`.
 * Its id (`con_` + 16 alphanumerics, Auth0's pattern) is derived from the tenant's signing key
 * id, so it is stable across restarts of a persisted tenant.
 */
export function databaseConnection(keyId: string): DatabaseConnection {
  const digest = createHash("sha256").update(`${DATABASE_CONNECTION}:${keyId}`).digest("hex");
  return { id: `con_${digest.slice(0, 16)}`, name: DATABASE_CONNECTION, strategy: "auth0" };
}

/** The connection as `GET /api/v2/connections` returns it. */
export function connectionResource(connection: DatabaseConnection, store: TenantStore): Record<string, unknown> {
  return {
    id: connection.id,
    options: {
      mfa: { active: true, return_enroll_settings: true },
      passwordPolicy: "low",
      password_complexity_options: { min_length: PASSWORD_MIN_LENGTH },
      strategy_version: 2,
      brute_force_protection: true,
    },
    strategy: connection.strategy,
    name: connection.name,
    is_domain_connection: false,
    realms: [connection.name],
    enabled_clients: store.allClients().map((client) => client.client_id),
  };
}
