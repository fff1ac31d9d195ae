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
  await expect(page.getByTestId("consequence")).toHaveText(/deactivated/);
  await page.getByRole("button", { name: "Yes, withdraw and close my account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account is closed" })).toBeVisible();
  await expectSignInRefusedAsDeleted(page, email);
});
