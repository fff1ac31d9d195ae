import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ensureDemoUsers } from "./demo-users.js";
import { sendJson } from "./http.js";
import { loadOrCreateKeys } from "./keys.js";
import { handleLogin } from "./login-page.js";
import { createOidcProvider } from "./oidc.js";
import { TenantStore } from "./store.js";

export interface ApplicationClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** The application's base URL: callbacks go to `<baseUrl>/auth/callback`. */
  baseUrl: string;
}

export interface MachineClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Management API scopes granted to the client, e.g. `read:users`. */
  scopes: string[];
}

export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Where the tenant (users, clients, keys) is kept; null keeps it in memory. */
  dataDir: string | null;
  rolesClaim: string;
  applications: ApplicationClient[];
  machineClients: MachineClient[];
  demoUsers: boolean;
}

export interface RunningEmulator {
  /** The issuer URL, with Auth0's trailing slash: `http://localhost:4010/`. */
  issuer: string;
  port: number;
  store: TenantStore;
  close(): Promise<void>;
}

function upsertClients(store: TenantStore, options: EmulatorOptions) {
  for (const app of options.applications) {
    const existing = store.getClient(app.clientId);
    store.saveClient({
      client_id: app.clientId,
      client_secret: app.clientSecret,
      name: app.name,
      app_type: "regular_web",
      callbacks: [new URL("/auth/callback", app.baseUrl).toString()],
      allowed_logout_urls: [app.baseUrl, new URL("/", app.baseUrl).toString()],
      client_metadata: existing?.client_metadata ?? {},
      scopes: [],
    });
  }
  for (const machine of options.machineClients) {
    const existing = store.getClient(machine.clientId);
    store.saveClient({
      client_id: machine.clientId,
      client_secret: machine.clientSecret,
      name: machine.name,
      app_type: "non_interactive",
      callbacks: [],
      allowed_logout_urls: [],
      client_metadata: existing?.client_metadata ?? {},
      scopes: machine.scopes,
    });
  }
}

/** Starts a local Auth0-compatible tenant. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const store = new TenantStore(options.dataDir ? join(options.dataDir, "tenant.json") : null);
  upsertClients(store, options);
  if (options.demoUsers) await ensureDemoUsers(store);
  const keys = await loadOrCreateKeys(options.dataDir);

  let route: (req: IncomingMessage, res: ServerResponse) => Promise<void> = () => Promise.resolve();
  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error("[emulator] unhandled error", error);
      if (!res.headersSent) {
        sendJson(res, 500, { statusCode: 500, error: "Internal Server Error", message: "Internal error" });
      } else {
        res.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "localhost", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://localhost:${port}/`;
  const provider = createOidcProvider({ issuer, store, keys, rolesClaim: options.rolesClaim });
  const oidcCallback = provider.callback();

  route = async (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (path.startsWith("/u/login/")) {
      await handleLogin(req, res, provider, store);
      return;
    }
    if (path === "/health") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    oidcCallback(req, res);
  };

  return {
    issuer,
    port,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
