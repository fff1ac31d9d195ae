// Password reset at the identity provider (the emulator, as Auth0's Universal Login): "Forgot
// password?" on the login page, the emailed link read from the emulator's mailbox over HTTP, the
// new password under the tenant's policy.
import { attemptSignIn, expect, expectNoSeriousA11yViolations, NEW_PASSWORD, signUpAndSignIn, test } from "./fixtures";
import { E2E_EMULATOR_URL } from "./stack";

const RESET_PASSWORD = "Reset-horse-battery-9";

test("a person who forgot their password resets it from the login page and signs in with the new one", async ({
  browser,
}) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const email = await signUpAndSignIn(page, { label: "forgot-password" });
  await page.getByRole("banner").getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("link", { name: "Sign in to continue" }).click();
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();

  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("status")).toHaveText("We've just sent you an email to reset your password.");

  const mailbox = await page.request.get(`${E2E_EMULATOR_URL}/mailbox?to=${encodeURIComponent(email)}`);
  const { messages } = (await mailbox.json()) as { messages: Array<{ subject: string; links: string[] }> };
  const resets = messages.filter((message) => message.subject === "Reset your password");
  expect(resets).toHaveLength(1);
  await page.goto(resets[0]!.links[0]!);
  await expect(page.getByRole("heading", { name: "Change your password" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // The tenant's password policy holds here too.
  await page.getByLabel("New password", { exact: true }).fill("password");
  await page.getByLabel("Re-enter new password").fill("password");
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill(RESET_PASSWORD);
  await page.getByLabel("Re-enter new password").fill(RESET_PASSWORD);
  await page.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByRole("status")).toHaveText("Your password has been changed successfully.");

  // The old password no longer works; the new one does.
  await attemptSignIn(page, email, NEW_PASSWORD);
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await page.getByLabel("Password").fill(RESET_PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign out" })).toBeVisible();
  await context.close();
});
