import { createHash } from "node:crypto";
import { PASSWORD_MIN_LENGTH } from "./password-policy.js";
import { DATABASE_CONNECTION, type TenantStore } from "./store.js";

/** The tenant's name (Auth0 uses it as the export file name and in client resources). */
export const TENANT_NAME = "emulator";

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
      // What emulator/password-policy.ts enforces: "fair", and the 10,000 most common refused.
      passwordPolicy: "fair",
      password_complexity_options: { min_length: PASSWORD_MIN_LENGTH },
      password_dictionary: { enable: true, dictionary: [] },
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
