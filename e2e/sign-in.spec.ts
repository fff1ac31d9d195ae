import { DEMO, expect, signIn, test } from "./fixtures";

test("a signed-out visitor is invited to sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your consent, on the record" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in to continue" })).toBeVisible();
  await expect(page.getByTestId("viewer-role")).toHaveCount(0);
});

for (const [role, email] of Object.entries(DEMO)) {
  test(`the demo ${role} signs in through the login page and sees their role`, async ({ page }) => {
    await signIn(page, email);
    await expect(page).toHaveURL("/");
    await expect(page.getByTestId("viewer-email")).toHaveText(email);
    await expect(page.getByTestId("viewer-role")).toHaveText(role);
  });
}

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  await signIn(page, DEMO.user, "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page.getByLabel("Email address")).toHaveValue(DEMO.user);
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Sign in to continue" })).toBeVisible();
});

test("signing out ends the session in the portal and at the identity provider", async ({ page }) => {
  await signIn(page, DEMO.admin);
  await expect(page.getByTestId("viewer-role")).toHaveText("admin");
  await page.getByRole("link", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in to continue" })).toBeVisible();
  await expect(page).toHaveURL("/");
  // The emulator's session is gone too: signing in again asks for the password.
  await page.getByRole("link", { name: "Sign in to continue" }).click();
  await expect(page.getByLabel("Password")).toBeVisible();
});
