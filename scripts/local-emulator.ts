import { join } from "node:path";
import type { EmulatorOptions } from "../emulator/server.js";
import { API_SCOPES } from "../lib/auth/api-scopes.js";
import { local, localSecrets } from "./local-config.js";
import { EMAIL_VERIFIED_PATH } from "../lib/identity/email-verified-path.js";

/** The emulator as the local stack runs it: the portal's two clients, demo users, data in DATA_DIR. */
export function localEmulatorOptions(): EmulatorOptions {
  const secrets = localSecrets();
  const appBaseUrl = process.env.APP_BASE_URL ?? `http://localhost:${local.port}`;
  return {
    port: local.emulatorPort,
    dataDir: join(local.dataDir, "emulator"),
    rolesClaim: local.rolesClaim,
    demoUsers: true,
    // Auth0's Verification Email template "Redirect To": the portal re-reads the user there (ADR 040).
    verifyEmailResultUrl: new URL(EMAIL_VERIFIED_PATH, appBaseUrl).toString(),
    verifyEmailIncludeEmail: true,
    applications: [
      {
        clientId: local.portalClientId,
        clientSecret: secrets.AUTH0_CLIENT_SECRET,
        name: "Consent Portal",
        baseUrl: appBaseUrl,
      },
    ],
    machineClients: [
      {
        clientId: local.managementClientId,
        clientSecret: secrets.AUTH0_MGMT_CLIENT_SECRET,
        name: "Consent Portal (Management API)",
        scopes: [
          "read:users",
          "update:users",
          "delete:users",
          "create:users",
          "read:clients",
          "update:clients",
          "read:connections",
          "create:users_app_metadata",
          "update:users_app_metadata",
          "read:users_app_metadata",
          // API clients (ADR 033): created as machine-to-machine applications with a grant for the portal's API.
          "create:clients",
          "delete:clients",
          "create:client_grants",
          // Ending a person's sessions ends their tenant login sessions too (ADR 043).
          "delete:sessions",
        ],
      },
    ],
    resourceServers: [{ identifier: local.apiAudience, name: "Consent Portal API", scopes: [...API_SCOPES] }],
  };
}
