// Helpers for the compliance and Management API proxy specs.
import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Browser, type Page } from "@playwright/test";
import { signUpAndSignIn, storageStateFor, type DEMO } from "./fixtures";

const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const EMULATOR = `http://localhost:${4100 + OFFSET}`;

export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  expect(serious.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

/** A page signed in as one of the demo roles (saved by auth.setup.ts). */
export async function pageAs(browser: Browser, role: keyof typeof DEMO): Promise<Page> {
  const context = await browser.newContext({ storageState: storageStateFor(role) });
  return context.newPage();
}

/**
 * A new person who signed up through the portal (in a browser of their own); returns their email.
 * `thenGive` gives one more consent in My consents once signed in.
 */
export async function newPerson(
  browser: Browser,
  label: string,
  optional: string[] = [],
  options: { thenGive?: string } = {},
): Promise<string> {
  // Signed out, whatever session the calling test uses.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const email = await signUpAndSignIn(page, { label, optional });
  if (options.thenGive) {
    const row = page.getByTestId(`purpose-${options.thenGive}`);
    await row.getByRole("button", { name: /Give consent/ }).click();
    await expect(row).toContainText("Given");
  }
  await context.close();
  return email;
}

/** The e2e tenant's own Management API token (as another system holding Auth0 credentials would have). */
export async function auth0ManagementToken(): Promise<string> {
  const dataDir = OFFSET ? `.data/e2e-${OFFSET}` : ".data/e2e";
  const secrets = JSON.parse(readFileSync(`${dataDir}/secrets.json`, "utf8")) as { AUTH0_MGMT_CLIENT_SECRET: string };
  const response = await fetch(`${EMULATOR}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "client_credentials",
      client_id: "consent-portal-mgmt",
      client_secret: secrets.AUTH0_MGMT_CLIENT_SECRET,
      audience: `${EMULATOR}/api/v2/`,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A user created straight in Auth0, with the seed's legacy consent metadata: unknown to the ledger. */
export async function createLegacyAuth0User(email: string, userMetadata: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${EMULATOR}/api/v2/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await auth0ManagementToken()}` },
    body: JSON.stringify({
      email,
      password: "correct-horse-battery",
      connection: "Username-Password-Authentication",
      user_metadata: userMetadata,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { user_id: string }).user_id;
}

/** Reads a user straight from Auth0 (what the tenant really holds). */
export async function auth0User(userId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${EMULATOR}/api/v2/users/${encodeURIComponent(userId)}`, {
    headers: { authorization: `Bearer ${await auth0ManagementToken()}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** Auth0 user id of an email (to address the proxy by id). */
export async function auth0UserIdOf(email: string): Promise<string> {
  const response = await fetch(`${EMULATOR}/api/v2/users-by-email?email=${encodeURIComponent(email)}`, {
    headers: { authorization: `Bearer ${await auth0ManagementToken()}` },
  });
  const users = (await response.json()) as Array<{ user_id: string }>;
  expect(users).toHaveLength(1);
  return users[0]!.user_id;
}

/** Switches the emulator's fault injection (test-only control endpoint); `{}` turns it off. */
export async function setEmulatorFaults(options: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${EMULATOR}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  expect(response.status).toBe(200);
}

/** Creates a staff API token through the API tokens page; returns the token shown once. */
export async function createStaffToken(page: Page, options: { label: string; write: boolean }): Promise<string> {
  await page.goto("/compliance/api-tokens");
  await page.getByLabel("Name").fill(options.label);
  await page.getByLabel("May").selectOption(options.write ? "admin" : "compliance");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = page.getByTestId("new-token");
  await expect(token).toHaveText(/^cpst_/);
  return (await token.textContent())!.trim();
}
