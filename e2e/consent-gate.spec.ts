import {
  NEW_PASSWORD,
  attemptSignIn,
  auth0,
  expect,
  expectNoSeriousA11yViolations,
  expectSignInRefusedAsDeleted,
  test,
  uniqueEmail,
} from "./fixtures";

test("a person created outside the portal must accept the terms before using anything", async ({ page }) => {
  const email = uniqueEmail("migrated");
  await auth0.createUser(email);
  await attemptSignIn(page, email, NEW_PASSWORD);
  // The home page is gated too: no welcome before the terms are accepted.
  await expect(page).toHaveURL(/\/consent\?returnTo=%2F$/);
  await expect(page.getByRole("heading", { name: "Before you continue" })).toBeVisible();
  await page.goto("/me/consents");
  await expect(page).toHaveURL(/\/consent\?returnTo=%2Fme%2Fconsents/);
  await expect(page.getByRole("heading", { name: "Before you continue" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /Terms of Service, version/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Nothing else is reachable until they decide.
  await page.goto("/me/history");
  await expect(page.getByRole("heading", { name: "Before you continue" })).toBeVisible();

  await page.getByRole("button", { name: "Accept and continue" }).click();
  await expect(page.locator("#accept-error")).toHaveText(/Tick the box/);
  await page.getByLabel(/I have read and accept/).check();
  await page.getByRole("button", { name: "Accept and continue" }).click();
  await expect(page.getByRole("heading", { name: "My history" })).toBeVisible();
  await expect(page.getByTestId("history-entry").first()).toContainText("You gave consent to “Terms of Service”");
  await expect(page.getByTestId("history-entry").first()).toContainText("in the portal");
});

test("from the gate a person can decline, and the account is closed", async ({ page }) => {
  const email = uniqueEmail("decliner");
  await auth0.createUser(email);
  await attemptSignIn(page, email, NEW_PASSWORD);
  await page.goto("/me/consents");
  await page.getByRole("link", { name: "I do not accept: withdraw and leave" }).click();
  // Someone who never agreed declines: nothing speaks of past decisions.
  await expect(page.getByRole("heading", { level: 1, name: "Decline “Terms of Service”?" })).toBeVisible();
  await expect(page.getByText(/You have not agreed to it yet/)).toBeVisible();
  await expect(page.getByText(/past decisions/)).toHaveCount(0);
  await expect(page.getByTestId("consequence")).toHaveText(/deactivated/);
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Yes, decline and close my account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account is closed" })).toBeVisible();
  await expectSignInRefusedAsDeleted(page, email);
});
