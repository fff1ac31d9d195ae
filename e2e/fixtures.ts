import { expect, type Page } from "@playwright/test";

/** Saved session of a demo role, written by auth.setup.ts. */
export function storageStateFor(role: keyof typeof DEMO): string {
  return `test-results/.auth/${role}.json`;
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
