// The e2e tests' one fixture module. `test` is Playwright's, extended with fixtures that create
// the data a spec needs (new people, signed-in pages, users straight in Auth0) and clean up the
// browser contexts they open; the plain functions below drive the UI as a person would.
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import {
  test as base,
  expect,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from "@playwright/test";
import { E2E_AUTH_DIR, E2E_DATA_DIR, E2E_EMULATOR_URL } from "./stack";

export { expect };

export const DEMO_PASSWORD = "demo-password";
export const DEMO = {
  user: "user@demo.test",
  compliance: "compliance@demo.test",
  admin: "admin@demo.test",
} as const;
export type DemoRole = keyof typeof DEMO;

export const NEW_PASSWORD = "Correct-horse-battery";

/** Saved session of a demo role, written by auth.setup.ts. */
export function storageStateFor(role: DemoRole): string {
  return `${E2E_AUTH_DIR}/${role}.json`;
}

let counter = 0;
/** A unique address per call, so tests never share a person. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${process.pid}-${counter}@example.test`;
}

/** Signs in through the emulator's login page, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in to continue" }).click();
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Signs a new person up through /signup and signs them in; returns their email. */
export async function signUpAndSignIn(
  page: Page,
  options: { label: string; optional?: string[]; email?: string },
): Promise<string> {
  const email = options.email ?? uniqueEmail(options.label);
  await page.goto("/signup");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByLabel(/I accept the Terms of Service/).check();
  for (const title of options.optional ?? []) await page.getByLabel(title).check();
  await page.getByRole("button", { name: "Create account" }).click();
  // The emulator's login page, with the new address filled in and a word that it worked.
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Your account was created. Enter your password to sign in.");
  await expect(page.getByLabel("Email address")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "My consents" })).toBeVisible();
  return email;
}

/**
 * Makes the person `email` (signed in on `page`) an admin on the roles page, as the demo admin
 * (signed in here in a browser of its own, not from setup's saved state, so a test runs on its
 * own too), then signs them in again to act as one. Returns the demo admin's roles page and the
 * person's row on it; the caller closes `admin.context()`. Making an admin changes the count the
 * last-admin rule reads: call it from `@global-state` tests only.
 */
export async function grantAdminOnRolesPage(
  browser: Browser,
  page: Page,
  email: string,
): Promise<{ admin: Page; row: Locator }> {
  const admin = await (await browser.newContext({ storageState: { cookies: [], origins: [] } })).newPage();
  await signIn(admin, DEMO.admin);
  await admin.goto("/admin/roles");
  await admin.getByLabel("Person").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption("admin");
  await admin.getByRole("button", { name: "Grant role" }).click();
  const row = admin.getByTestId("staff-member").filter({ hasText: email });
  await expect(row).toContainText("admin");
  await page.goto("/auth/logout");
  await signIn(page, email, NEW_PASSWORD);
  await page.goto("/");
  await expect(page.getByTestId("viewer-role")).toHaveText("admin");
  return { admin, row };
}

/** Tries to sign in and returns what the person ends up seeing. */
export async function attemptSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/auth/login");
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Sign-in is refused for a flagged account; the outbox flags it within moments, so retry briefly. */
export async function expectSignInRefusedAsDeleted(page: Page, email: string): Promise<void> {
  await expect(async () => {
    await attemptSignIn(page, email, NEW_PASSWORD);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/This account is closed/, {
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
}

/** Sign-in is refused because Auth0 no longer has the user; the outbox deletes it within moments. */
export async function expectAuth0UserGone(page: Page, email: string): Promise<void> {
  await expect(async () => {
    await attemptSignIn(page, email, NEW_PASSWORD);
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  expect(serious.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

/** Creates a staff API token through the API tokens page; returns the token shown once. */
async function createStaffToken(page: Page, options: { label: string; write: boolean }): Promise<string> {
  await page.goto("/compliance/api-tokens");
  await page.getByLabel("Name").fill(options.label);
  await page.getByLabel("May").selectOption(options.write ? "admin" : "compliance");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = page.getByTestId("new-token");
  await expect(token).toHaveText(/^cpst_/);
  return (await token.textContent())!.trim();
}

/** An API client's client-credentials request to the e2e tenant, for the portal's API (ADR 033). */
export function requestApiToken(clientId: string, clientSecret: string): Promise<Response> {
  return fetch(`${E2E_EMULATOR_URL}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      audience: "https://consent-portal.example/api/v1",
    }),
  });
}

/**
 * The e2e tenant's Management API, called straight (as another system holding Auth0
 * credentials would), with the secret the local stack generated.
 */
export const auth0 = {
  async token(): Promise<string> {
    const secrets = JSON.parse(readFileSync(`${E2E_DATA_DIR}/secrets.json`, "utf8")) as {
      AUTH0_MGMT_CLIENT_SECRET: string;
    };
    const response = await fetch(`${E2E_EMULATOR_URL}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: "consent-portal-mgmt",
        client_secret: secrets.AUTH0_MGMT_CLIENT_SECRET,
        audience: `${E2E_EMULATOR_URL}/api/v2/`,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  },

  /** Creates a user straight in Auth0, unknown to the portal's ledger; returns its user id. */
  async createUser(
    email: string,
    options: { password?: string; userMetadata?: Record<string, unknown> } = {},
  ): Promise<string> {
    const response = await fetch(`${E2E_EMULATOR_URL}/api/v2/users`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await auth0.token()}` },
      body: JSON.stringify({
        email,
        password: options.password ?? NEW_PASSWORD,
        connection: "Username-Password-Authentication",
        ...(options.userMetadata ? { user_metadata: options.userMetadata } : {}),
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { user_id: string }).user_id;
  },

  /** Reads a user straight from Auth0 (what the tenant really holds). */
  async user(userId: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${E2E_EMULATOR_URL}/api/v2/users/${encodeURIComponent(userId)}`, {
      headers: { authorization: `Bearer ${await auth0.token()}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  },

  /** PATCHes a user straight in Auth0, as a person editing their own profile through the Management API could. */
  async patchUser(userId: string, body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${E2E_EMULATOR_URL}/api/v2/users/${encodeURIComponent(userId)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${await auth0.token()}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  },

  /** Auth0 user id of an email (to address the proxy by id). */
  async userIdOf(email: string): Promise<string> {
    const response = await fetch(`${E2E_EMULATOR_URL}/api/v2/users-by-email?email=${encodeURIComponent(email)}`, {
      headers: { authorization: `Bearer ${await auth0.token()}` },
    });
    const users = (await response.json()) as Array<{ user_id: string }>;
    expect(users).toHaveLength(1);
    return users[0]!.user_id;
  },

  /** Switches the emulator's fault injection (test-only control endpoint); `{}` turns it off. */
  async setFaults(options: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${E2E_EMULATOR_URL}/__emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options),
    });
    expect(response.status).toBe(200);
  },
};

interface Fixtures {
  /** A page signed in as a demo role (session saved by auth.setup.ts), in a context of its own. */
  pageAs: (role: DemoRole) => Promise<Page>;
  /**
   * A new person who signed up through the portal in a browser of their own, signed out again;
   * returns their email. `thenGive` gives one more consent in My consents once signed in.
   */
  newPerson: (label: string, optional?: string[], options?: { thenGive?: string }) => Promise<string>;
  /** A new person who signed up through the portal, with their signed-in page left open. */
  newSignedInPerson: (label: string, optional?: string[]) => Promise<{ page: Page; email: string }>;
  /**
   * A staff API token created on the API tokens page by a demo staff member (whose page is
   * returned), and a request context that sends it as `Authorization: Bearer cpst_…`.
   */
  staffApi: (
    role: "compliance" | "admin",
    token: { label: string; write: boolean },
  ) => Promise<{ page: Page; token: string; api: APIRequestContext }>;
}

// Each fixture hands the test a function (named `provide`, Playwright's `use`) and cleans up after it.
export const test = base.extend<Fixtures>({
  pageAs: async ({ browser }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (role) => {
      const context = await browser.newContext({ storageState: storageStateFor(role) });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
  newSignedInPerson: async ({ browser }, provide) => {
    const contexts: BrowserContext[] = [];
    await provide(async (label, optional = []) => {
      // Signed out, whatever session the calling test uses.
      const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
      contexts.push(context);
      const page = await context.newPage();
      const email = await signUpAndSignIn(page, { label, optional });
      return { page, email };
    });
    for (const context of contexts) await context.close();
  },
  newPerson: async ({ newSignedInPerson }, provide) => {
    await provide(async (label, optional = [], options = {}) => {
      const { page, email } = await newSignedInPerson(label, optional);
      if (options.thenGive) {
        const row = page.getByTestId(`purpose-${options.thenGive}`);
        await row.getByRole("button", { name: /Give consent/ }).click();
        await expect(row).toContainText("Given");
      }
      await page.context().close();
      return email;
    });
  },
  staffApi: async ({ pageAs, playwright }, provide) => {
    const contexts: APIRequestContext[] = [];
    await provide(async (role, options) => {
      const page = await pageAs(role);
      const token = await createStaffToken(page, options);
      const api = await playwright.request.newContext({
        baseURL: new URL(page.url()).origin,
        extraHTTPHeaders: { authorization: `Bearer ${token}` },
      });
      contexts.push(api);
      return { page, token, api };
    });
    for (const api of contexts) await api.dispose();
  },
});
