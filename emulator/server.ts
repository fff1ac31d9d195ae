import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { databaseConnection, TENANT_NAME } from "./connections.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import { ensureDemoUsers } from "./demo-users.js";
import { ManagementApiError } from "./errors.js";
import { FaultInjector, type FaultDecision, type FaultOptions } from "./faults.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody, sendJson, sendManagementError } from "./http.js";
import { loadOrCreateKeys } from "./keys.js";
import { BruteForceProtection } from "./brute-force.js";
import { handleLogin } from "./login-page.js";
import { handleManagementApi, type ManagementApiContext } from "./management-api.js";
import { ManagementTokens, parseTokenRequestBody, type ResourceServer } from "./management-tokens.js";
import { DEFAULT_METADATA_LIMIT_BYTES } from "./metadata.js";
import { createOidcProvider } from "./oidc.js";
import { rateLimitHeaders, TokenBucket, type RateLimitOptions } from "./rate-limit.js";
import { handleSignup } from "./signup.js";
import { EmailVerification, MAILBOX_PATH } from "./email-verification.js";
import { TenantStore } from "./store.js";
import { TenantSessions } from "./tenant-sessions.js";
import { PasswordReset, RESET_PATH, RESET_REQUEST_PATH } from "./password-reset.js";
import { UsersExportJobs } from "./users-exports.js";

interface ApplicationClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** The application's base URL: callbacks go to `<baseUrl>/auth/callback`. */
  baseUrl: string;
}

interface MachineClient {
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
  /** APIs other than the Management API that clients may get tokens for (client grants pick their scopes). */
  resourceServers?: ResourceServer[];
  demoUsers: boolean;
  /** Management API token bucket; on by default and generous (see DEFAULT_RATE_LIMIT). */
  rateLimit?: RateLimitOptions;
  /** Injected latency, 5xx and 429s; off by default. Also switchable at run time: POST /__emulator/faults. */
  faults?: FaultOptions;
  /** Limit on user_metadata + app_metadata of one user, in bytes; default Auth0's 16 MB. */
  metadataLimitBytes?: number;
  /** How long a users-export job stays `pending` before it runs; default 100 ms. */
  exportJobDelayMs?: number;
  /**
   * Where the verification email's link redirects once followed (Auth0: the Verification Email
   * template's "Redirect To"); unset, the link ends on the emulator's own page.
   */
  verifyEmailResultUrl?: string;
  /** The Verification Email template's `includeEmailInRedirect`; default false, as in Auth0. */
  verifyEmailIncludeEmail?: boolean;
}

export interface RunningEmulator {
  /** The issuer URL, with Auth0's trailing slash: `http://localhost:4010/`. */
  issuer: string;
  port: number;
  store: TenantStore;
  /** The Management API audience to ask tokens for: `<issuer>api/v2/`. */
  managementAudience: string;
  /** In-process handles on the run-time switches (the same ones /__emulator/* changes). */
  faults: FaultInjector;
  rateLimiter: TokenBucket;
  /** The login page's brute-force protection and IP throttling. */
  bruteForce: BruteForceProtection;
  /** Signs Management API tokens directly, e.g. for tests that need particular scopes. */
  managementTokens: ManagementTokens;
  /** Verification emails, tickets and the mailbox (GET /mailbox). */
  emailVerification: EmailVerification;
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
      // The portal's home, and the page people land on after closing or deleting their account.
      allowed_logout_urls: [
        app.baseUrl,
        new URL("/", app.baseUrl).toString(),
        new URL("/account-closed", app.baseUrl).toString(),
      ],
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
  const sessions = new TenantSessions();
  const provider = createOidcProvider({ issuer, store, keys, rolesClaim: options.rolesClaim, sessions });
  const oidcCallback = provider.callback();

  const connection = databaseConnection(keys.signingKey.kid);
  const managementTokens = new ManagementTokens(issuer, keys, store, options.resourceServers ?? []);
  const exportJobs = new UsersExportJobs({
    issuer,
    store,
    connection,
    processingDelayMs: options.exportJobDelayMs ?? 100,
  });
  const bruteForce = new BruteForceProtection();
  const emailVerification = new EmailVerification({
    issuer,
    store,
    tenantName: TENANT_NAME,
    verifyEmailResultUrl: options.verifyEmailResultUrl ?? null,
    verifyEmailIncludeEmail: options.verifyEmailIncludeEmail ?? false,
  });
  const passwordReset = new PasswordReset({
    issuer,
    store,
    connection,
    tenantName: TENANT_NAME,
    mail: emailVerification,
    bruteForce,
  });
  const management: ManagementApiContext = {
    store,
    bruteForce,
    emailVerification,
    passwordReset,
    sessions,
    tokens: managementTokens,
    exports: exportJobs,
    connection,
    metadataLimitBytes: options.metadataLimitBytes ?? DEFAULT_METADATA_LIMIT_BYTES,
  };
  const faults = new FaultInjector(options.faults);
  const rateLimiter = new TokenBucket(options.rateLimit);

  /** Runs the fault injector for an affected path; returns the decision to act on. */
  async function injectFault(path: string): Promise<FaultDecision> {
    if (!faults.appliesTo(path)) return { kind: "none" };
    await faults.delay();
    return faults.decide();
  }

  async function managementRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const decision = rateLimiter.take();
    const headers = rateLimitHeaders(decision);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    try {
      const fault = await injectFault(url.pathname);
      if (fault.kind === "rate-limit" || !decision.allowed) {
        if (fault.kind === "rate-limit") {
          res.setHeader("x-ratelimit-remaining", "0");
          res.setHeader("x-ratelimit-reset", String(Math.ceil(Date.now() / 1000) + 1));
          res.setHeader("x-emulator-fault", "429");
        }
        throw new ManagementApiError(429, "Global limit has been reached", "too_many_requests");
      }
      if (fault.kind === "error") {
        res.setHeader("x-emulator-fault", String(fault.status));
        throw new ManagementApiError(fault.status, "The service is temporarily unavailable", "service_unavailable");
      }
      await handleManagementApi(req, res, url, management);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendManagementError(
          res,
          new ManagementApiError(
            413,
            `Payload content length greater than maximum allowed: ${MAX_BODY_BYTES}`,
            "payload_too_large",
          ),
        );
        return;
      }
      if (error instanceof ManagementApiError) {
        sendManagementError(res, error);
        return;
      }
      throw error;
    }
  }

  /** Authentication API endpoints answer injected faults in their own `{ error, error_description }` shape. */
  async function authenticationFault(res: ServerResponse, path: string): Promise<boolean> {
    const fault = await injectFault(path);
    if (fault.kind === "rate-limit") {
      sendJson(
        res,
        429,
        { error: "too_many_requests", error_description: "Global limit has been reached" },
        { "x-emulator-fault": "429" },
      );
      return true;
    }
    if (fault.kind === "error") {
      sendJson(
        res,
        fault.status,
        { error: "server_error", error_description: "The service is temporarily unavailable" },
        { "x-emulator-fault": String(fault.status) },
      );
      return true;
    }
    return false;
  }

  async function tokenRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // oidc-provider reads the body from the stream; once it is consumed here, it falls back
    // to `req.body` (its selective_body middleware), so the raw text is handed over there.
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: "invalid_request", error_description: "request entity too large" });
        return;
      }
      throw error;
    }
    const params = parseTokenRequestBody(req.headers["content-type"], raw);
    if (params?.grant_type === "client_credentials") {
      if (await authenticationFault(res, "/oauth/token")) return;
      await managementTokens.handleClientCredentials(req, res, params);
      return;
    }
    (req as IncomingMessage & { body?: string }).body = raw;
    await oidcCallback(req, res);
  }

  route = async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const path = url.pathname;
    if (path === "/api/v2" || path.startsWith("/api/v2/")) {
      await managementRequest(req, res, url);
      return;
    }
    if (path === "/oauth/token" && req.method === "POST") {
      await tokenRequest(req, res);
      return;
    }
    if (path === "/dbconnections/signup") {
      if (await authenticationFault(res, path)) return;
      await handleSignup(req, res, store, connection, emailVerification);
      return;
    }
    if (path === "/dbconnections/change_password") {
      if (await authenticationFault(res, path)) return;
      await passwordReset.handleChangePassword(req, res);
      return;
    }
    if (path === RESET_REQUEST_PATH) {
      await passwordReset.handleRequestPage(req, res, url);
      return;
    }
    if (path === RESET_PATH) {
      await passwordReset.handleResetPage(req, res, url);
      return;
    }
    if (path.startsWith("/exports/") && req.method === "GET") {
      exportJobs.handleDownload(res, url);
      return;
    }
    if (path.startsWith(CONTROL_PREFIX)) {
      await handleControl(req, res, path, {
        faults,
        bucket: rateLimiter,
        initialFaults: () => faults.configure(options.faults ?? {}),
        initialRateLimit: () => rateLimiter.configure(options.rateLimit ?? {}),
      });
      return;
    }
    if (path === "/u/email-verification") {
      emailVerification.handleLink(req, res, url);
      return;
    }
    if (path === MAILBOX_PATH && req.method === "GET") {
      emailVerification.handleMailbox(res, url);
      return;
    }
    if (path.startsWith("/u/login/")) {
      await handleLogin(req, res, provider, store, bruteForce);
      return;
    }
    if (path === "/health") {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    await oidcCallback(req, res);
  };

  return {
    issuer,
    port,
    store,
    managementAudience: managementTokens.audience,
    faults,
    rateLimiter,
    bruteForce,
    managementTokens,
    emailVerification,
    close: () =>
      new Promise<void>((resolve, reject) => {
        exportJobs.dispose();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
