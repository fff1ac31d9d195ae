// An Auth0 emulator tenant for one test file, reached over HTTP as the portal reaches Auth0:
// the emulator's contract tests and the portal's integration tests both start it here. Start it
// in beforeAll (or beforeEach) and close it in the matching after-hook, or let `tenantForEachTest` do it.
import { createHash, randomBytes } from "node:crypto";
import { ManagementClient } from "auth0";
import { afterEach, beforeEach } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator/server";
import { DATABASE_CONNECTION } from "../emulator/store";
import { API_SCOPES } from "../lib/auth/api-scopes";
import { TEST_ENV } from "./test-env";
import { EMAIL_VERIFIED_PATH } from "../lib/identity/email-verified-path";

export const APP = {
  clientId: "consent-portal-app",
  clientSecret: "app-secret-0123456789",
  name: "Consent Portal",
  baseUrl: "http://localhost:3999",
};

/** Every scope the portal uses, so the contract tests can reach every endpoint. */
const ALL_SCOPES = [
  "read:users",
  "create:users",
  "update:users",
  "delete:users",
  "update:users_app_metadata",
  "read:connections",
  "read:clients",
  "update:clients",
  "create:clients",
  "delete:clients",
  "create:client_grants",
  "read:client_grants",
  "delete:client_grants",
  "create:user_tickets",
  "read:sessions",
  "delete:sessions",
];

/** The portal's own API as the tenant knows it (TEST_ENV has lib/env.ts's default audience). */
export const PORTAL_API = {
  identifier: "https://consent-portal.example/api/v1",
  name: "Consent Portal API",
  scopes: [...API_SCOPES],
};

export const MGMT = {
  clientId: "consent-portal-mgmt",
  clientSecret: "mgmt-secret-0123456789",
  name: "Portal M2M",
  scopes: ALL_SCOPES,
};
/** A second machine client that may only read users. */
export const READER = {
  clientId: "reader-m2m",
  clientSecret: "reader-secret-0123456789",
  name: "Reader",
  scopes: ["read:users"],
};

export const TEST_PASSWORD = "Str0ng-enough-pass";

/** The portal's web application, with the id and secret lib/env.ts reads in tests (TEST_ENV). */
const PORTAL_APP = {
  clientId: TEST_ENV.AUTH0_CLIENT_ID,
  clientSecret: TEST_ENV.AUTH0_CLIENT_SECRET,
  name: "Portal",
  baseUrl: TEST_ENV.APP_BASE_URL,
};

/** The portal's machine-to-machine client (TEST_ENV), granted `scopes`. */
function portalMachineClient(scopes: string[]) {
  return {
    clientId: TEST_ENV.AUTH0_MGMT_CLIENT_ID,
    clientSecret: TEST_ENV.AUTH0_MGMT_CLIENT_SECRET,
    name: "Portal M2M",
    scopes,
  };
}

interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestTenant {
  emulator: RunningEmulator;
  /** `http://localhost:<port>` without the trailing slash. */
  origin: string;
  /** The issuer URL (`origin` with a trailing slash), what the portal takes as its Auth0 domain. */
  issuer: string;
  /** The tenant's first machine client: what `createManagementClient` needs to call it. */
  credentials: { domain: string; clientId: string; clientSecret: string };
  /** Management API token for a client (the first machine client unless given), via POST /oauth/token. */
  token(client?: { clientId: string; clientSecret: string }): Promise<string>;
  /** Calls the Management API with the first machine client's token unless `token` is given (`null` sends none). */
  api<T = unknown>(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; token?: string | null; contentType?: string | null },
  ): Promise<JsonResponse<T>>;
  /** The official SDK, pointed at the emulator through its `fetch` option. */
  managementClient(options?: { maxRetries?: number }): ManagementClient;
  /** Creates a database user through POST /api/v2/users and returns it. */
  createUser(email: string, extra?: Record<string, unknown>): Promise<Record<string, unknown> & { user_id: string }>;
  close(): Promise<void>;
}

/**
 * A fresh tenant for every test of the file (or of the `describe` it is called in), closed after
 * the test: `let tenant: TestTenant; tenantForEachTest({}, (started) => (tenant = started));`
 */
export function tenantForEachTest(overrides: Partial<EmulatorOptions>, onStarted: (tenant: TestTenant) => void): void {
  let tenant: TestTenant | undefined;
  beforeEach(async () => {
    tenant = await startTestTenant(overrides);
    onStarted(tenant);
  });
  afterEach(async () => {
    await tenant?.close();
    tenant = undefined;
  });
}

/**
 * Starts an emulator tenant on a free port, in memory. By default it holds the contract tests'
 * clients (APP; MGMT with every scope, then READER); `overrides` replace any option.
 */
export async function startTestTenant(overrides: Partial<EmulatorOptions> = {}): Promise<TestTenant> {
  const options: EmulatorOptions = {
    port: 0,
    dataDir: null,
    rolesClaim: "https://consent-portal.example/roles",
    applications: [APP],
    machineClients: [MGMT, READER],
    resourceServers: [PORTAL_API],
    demoUsers: false,
    ...overrides,
  };
  const machine = options.machineClients[0] ?? MGMT;
  const emulator = await startEmulator(options);
  const origin = emulator.issuer.replace(/\/$/, "");
  const tokens = new Map<string, string>();

  async function token(client: { clientId: string; clientSecret: string } = machine): Promise<string> {
    const cached = tokens.get(client.clientId);
    if (cached) return cached;
    const response = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.clientId,
        client_secret: client.clientSecret,
        audience: emulator.managementAudience,
      }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (response.status !== 200 || !body.access_token)
      throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
    tokens.set(client.clientId, body.access_token);
    return body.access_token;
  }

  async function api<T>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; token?: string | null; contentType?: string | null } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = {};
    const bearer = options.token === undefined ? await token() : options.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined && options.contentType !== null)
      headers["content-type"] = options.contentType ?? "application/json";
    const response = await fetch(`${origin}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  function managementClient(options: { maxRetries?: number } = {}): ManagementClient {
    const domain = `localhost:${emulator.port}`;
    // The SDK only takes a bare domain and builds https://<domain>/...; rewrite to the emulator's http origin.
    const rewrite: typeof fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const target = url.replace(`https://${domain}`, origin);
      return input instanceof Request ? fetch(new Request(target, input), init) : fetch(target, init);
    };
    return new ManagementClient({
      domain,
      clientId: machine.clientId,
      clientSecret: machine.clientSecret,
      audience: emulator.managementAudience,
      fetch: rewrite,
      telemetry: false,
      maxRetries: options.maxRetries ?? 0,
    });
  }

  async function createUser(email: string, extra: Record<string, unknown> = {}) {
    const response = await api<Record<string, unknown> & { user_id: string }>("POST", "/api/v2/users", {
      body: { email, password: TEST_PASSWORD, connection: DATABASE_CONNECTION, ...extra },
    });
    if (response.status !== 201) throw new Error(`create user failed: ${response.status} ${response.text}`);
    return response.body;
  }

  return {
    emulator,
    origin,
    issuer: emulator.issuer,
    credentials: { domain: emulator.issuer, clientId: machine.clientId, clientSecret: machine.clientSecret },
    token,
    api,
    managementClient,
    createUser,
    close: () => emulator.close(),
  };
}

/** A message in the emulator's mailbox (GET /mailbox), as tests read it over HTTP. */
export interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  links: string[];
}

/** The messages the tenant sent to an address, oldest first. */
export async function readMailbox(origin: string, to: string): Promise<MailboxMessage[]> {
  const response = await fetch(`${origin}/mailbox?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`mailbox: ${response.status}`);
  return ((await response.json()) as { messages: MailboxMessage[] }).messages;
}

/**
 * A tenant for the portal's integration tests: the portal's own two clients (TEST_ENV), its
 * machine client granted `scopes`. Call the Management API as the portal does with
 * `createManagementClient(tenant.credentials)`.
 */
export function startPortalTenant({
  scopes,
  appBaseUrl,
  ...overrides
}: { scopes: string[]; appBaseUrl?: string } & Partial<EmulatorOptions>): Promise<TestTenant> {
  const app = appBaseUrl ? { ...PORTAL_APP, baseUrl: appBaseUrl } : PORTAL_APP;
  return startTestTenant({
    applications: [app],
    machineClients: [portalMachineClient(scopes)],
    // As a deployment configures Auth0's verification email template (README).
    verifyEmailResultUrl: new URL(EMAIL_VERIFIED_PATH, app.baseUrl).toString(),
    verifyEmailIncludeEmail: true,
    ...overrides,
  });
}

/** Minimal cookie jar for driving oidc-provider's interaction over fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const separator = pair?.indexOf("=") ?? -1;
      if (!pair || separator < 0) continue;
      this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface LoginResult {
  /** Status of the login form POST (401 when the credentials are refused, 429 when blocked). */
  formStatus: number;
  formHtml: string;
  /** The login page as first shown (before the form was posted). */
  loginPageHtml: string;
  /** Where the application's callback was finally redirected to, when it was. */
  callback?: URL;
  codeVerifier: string;
  /** The browser's cookies for the emulator afterwards: its login session (SSO) among them. */
  jar: CookieJar;
}

function authorizeUrl(tenant: TestTenant, codeVerifier: string, authorizeParams: Record<string, string>): string {
  const authorize = new URL(`${tenant.origin}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: APP.clientId,
    response_type: "code",
    redirect_uri: `${APP.baseUrl}/auth/callback`,
    scope: "openid email profile",
    state: "state-123",
    nonce: "nonce-456",
    code_challenge: createHash("sha256").update(codeVerifier).digest("base64url"),
    code_challenge_method: "S256",
    ...authorizeParams,
  }).toString();
  return authorize.toString();
}

/** Follows redirects within the emulator with `jar`, stopping at an answer or a redirect that leaves it. */
async function followWithin(
  tenant: TestTenant,
  jar: CookieJar,
  start: string,
  init?: RequestInit,
): Promise<{ location?: URL; response: Response }> {
  let url = start;
  let requestInit: RequestInit | undefined = init;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      ...requestInit,
      redirect: "manual",
      headers: { ...(requestInit?.headers ?? {}), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return { response };
    const next = new URL(location, url);
    if (next.origin !== tenant.origin) return { location: next, response };
    url = next.toString();
    requestInit = undefined;
  }
  throw new Error("too many redirects");
}

/**
 * Signs in again with the cookies of an earlier login (`jar`): `"signed in"` when the tenant's
 * login session lets the browser through to the application without a password, `"login page"`
 * when it asks for one.
 */
export async function signInAgain(tenant: TestTenant, jar: CookieJar): Promise<"signed in" | "login page"> {
  const result = await followWithin(tenant, jar, authorizeUrl(tenant, randomBytes(32).toString("base64url"), {}));
  if (result.location?.pathname === "/auth/callback" && result.location.searchParams.has("code")) return "signed in";
  if (result.response.status === 200 && /\/u\/login\//.test(result.response.url)) return "login page";
  throw new Error(`expected a callback or the login page, got ${result.response.status} at ${result.response.url}`);
}

/**
 * Logs in through the emulator's pages exactly as a browser would: GET /authorize for the
 * application, follow to /u/login/:uid, POST the form, follow the redirects until they leave
 * the emulator for the application's callback URL.
 */
export async function loginThroughBrowserFlow(
  tenant: TestTenant,
  email: string,
  password: string,
  /** More /authorize parameters, e.g. `login_hint`. */
  authorizeParams: Record<string, string> = {},
): Promise<LoginResult> {
  const jar = new CookieJar();
  const codeVerifier = randomBytes(32).toString("base64url");
  const follow = (start: string, init?: RequestInit) => followWithin(tenant, jar, start, init);

  const toLoginPage = await follow(authorizeUrl(tenant, codeVerifier, authorizeParams));
  const loginUrl = toLoginPage.response.url || "";
  if (toLoginPage.response.status !== 200 || !/\/u\/login\//.test(loginUrl)) {
    throw new Error(`expected the login page, got ${toLoginPage.response.status} at ${loginUrl}`);
  }
  const loginPageHtml = await toLoginPage.response.text();
  const submitted = await fetch(loginUrl, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ email, password }),
  });
  jar.store(submitted);
  const formHtml = [200, 401, 429].includes(submitted.status) ? await submitted.text() : "";
  const resume = submitted.headers.get("location");
  if (!resume) return { formStatus: submitted.status, formHtml, loginPageHtml, codeVerifier, jar };
  const result = await follow(new URL(resume, loginUrl).toString());
  return {
    formStatus: submitted.status,
    formHtml,
    loginPageHtml,
    codeVerifier,
    jar,
    ...(result.location ? { callback: result.location } : {}),
  };
}
