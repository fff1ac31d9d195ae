import type { Page } from "@playwright/test";
import { E2E_EMULATOR_URL } from "./stack";
import { expect, signUpAndSignIn, test } from "./fixtures";

// Issue 16, pages point 6: no page is wider than a phone (390 px) for any role, with long emails,
// long ids, hashes, tables and code blocks. Every page is measured and all that overflow are
// reported at once.
const PHONE = { width: 390, height: 844 };
// With the unique suffix, a local part just under the 64 characters an address may have.
const LONG_LABEL = "alexandra.konstantinopoulou-papadimitriou";

async function widthOf(page: Page): Promise<number> {
  await expect(page.locator("body")).toBeVisible();
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Visits each path (or measures the page as it is, for `null`) and lists those wider than the phone. */
async function expectFits(page: Page, paths: Array<string | null>) {
  await page.setViewportSize(PHONE);
  const tooWide: string[] = [];
  for (const path of paths) {
    if (path !== null) await page.goto(path);
    const width = await widthOf(page);
    if (width > PHONE.width) tooWide.push(`${path ?? page.url()}: ${width}px`);
  }
  expect(tooWide).toEqual([]);
}

test.use({ viewport: PHONE });

test("signed-out pages fit a phone", async ({ page }) => {
  await expectFits(page, [
    "/",
    "/signup",
    "/policies/terms",
    "/policies/privacy",
    "/policies/terms/1",
    "/verify",
    "/signin-error?code=account_closed",
    "/account-closed",
    "/no-such-page",
  ]);
  // The emulator's login page (development only), with a long address filled in.
  await page.goto(`/auth/login?login_hint=${encodeURIComponent(`${LONG_LABEL}@example.test`)}`);
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  expect(page.url().startsWith(E2E_EMULATOR_URL)).toBe(true);
  await expectFits(page, [null]);
});

test("a person with a long email address has pages that fit a phone", async ({ page }) => {
  test.slow();
  await signUpAndSignIn(page, { label: LONG_LABEL, optional: ["Product analytics"] });
  await expectFits(page, ["/", "/me/consents", "/me/history", "/me/data", "/me/delete", "/me/consents/withdraw/terms"]);
});

test("compliance pages fit a phone, with a long email and long ids", async ({ pageAs, newPerson }) => {
  test.slow();
  const email = await newPerson(LONG_LABEL, ["Product analytics"]);
  const page = await pageAs("compliance");
  await page.setViewportSize(PHONE);
  await page.goto(`/compliance?email=${encodeURIComponent(email)}`);
  await page.getByTestId("subject-result").getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { level: 1, name: email })).toBeVisible();
  const subject = new URL(page.url()).pathname;
  await expectFits(page, [
    "/",
    "/compliance",
    `/compliance?email=${encodeURIComponent(email)}`,
    "/compliance?purpose=analytics&status=granted",
    subject,
    "/compliance/integrity",
    "/compliance/access-log",
    "/compliance/api-tokens",
  ]);
  // A new token is shown once, with a curl example: a long line of code.
  await page.getByLabel("Name").fill(`phone width check ${Date.now()}`);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toHaveText(/^cpst_/);
  await expectFits(page, [null]);
});

test("admin pages fit a phone", async ({ pageAs }) => {
  const page = await pageAs("admin");
  await page.setViewportSize(PHONE);
  await page.goto("/admin/policies");
  const version = await page
    .getByRole("link", { name: /^Terms of Service version/ })
    .first()
    .getAttribute("href");
  expect(version).toMatch(/^\/admin\/policies\/versions\//);
  await expectFits(page, [
    "/",
    "/admin",
    "/admin/purposes",
    "/admin/purposes/terms",
    "/admin/policies",
    "/admin/policies/drafts/new",
    version!,
    "/admin/withdrawal-policy",
    "/admin/roles",
    "/admin/exports",
    "/admin/auth0-export",
  ]);
});
