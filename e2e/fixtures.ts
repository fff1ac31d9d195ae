import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";

/** Saved session of a demo role, written by auth.setup.ts. */
export function storageStateFor(role: keyof typeof DEMO): string {
  return `.data/e2e-auth-${process.env.E2E_PORT_OFFSET ?? 0}/${role}.json`;
}

export const DEMO_PASSWORD = "demo-password";
export const DEMO = {
  user: "user@demo.test",
  compliance: "compliance@demo.test",
  admin: "admin@demo.test",
} as const;

/** Signs in through the emulator's login page, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in to continue" }).click();
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

let counter = 0;
/** A unique address per call, so tests never share a person. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${process.pid}-${counter}@example.test`;
}

export const NEW_PASSWORD = "correct-horse-battery";

/** Signs a new person up through /signup and signs them in; returns their email. */
export async function signUpAndSignIn(page: Page, options: { label: string; optional?: string[] }): Promise<string> {
  const email = uniqueEmail(options.label);
  await page.goto("/signup");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByLabel(/I accept the Terms of Service/).check();
  for (const title of options.optional ?? []) await page.getByLabel(title).check();
  await page.getByRole("button", { name: "Create account" }).click();
  // The emulator's login page, with the new address filled in.
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveValue(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "My consents" })).toBeVisible();
  return email;
}

/** Tries to sign in and returns what the person ends up seeing. */
export async function attemptSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/auth/login");
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const EMULATOR = `http://localhost:${4100 + OFFSET}`;

/** A Management API token for the e2e tenant, from the secrets the local stack generated. */
async function managementToken(): Promise<string> {
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

/** Creates a user directly in Auth0 (as another system would), unknown to the portal's ledger. */
export async function createUserInAuth0(email: string, password = NEW_PASSWORD): Promise<string> {
  const response = await fetch(`${EMULATOR}/api/v2/users`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await managementToken()}` },
    body: JSON.stringify({ email, password, connection: "Username-Password-Authentication" }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { user_id: string }).user_id;
}

/** Sign-in is refused for a flagged account; the outbox flags it within moments, so retry briefly. */
export async function expectSignInRefusedAsDeleted(page: Page, email: string): Promise<void> {
  await expect(async () => {
    await attemptSignIn(page, email, NEW_PASSWORD);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Access denied (deleted user)", {
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
}
