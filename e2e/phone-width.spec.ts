import type { Page } from "@playwright/test";
import { expect, signUpAndSignIn, test } from "./fixtures";

// Issue 16, pages point 6: no page is wider than a phone (390 px) for any role, with long emails,
// long ids, tables and code blocks.
test.use({ viewport: { width: 390, height: 844 } });

async function expectFits(page: Page, paths: string[]) {
  const tooWide: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    await expect(page.locator("main")).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) tooWide.push(`${path}: ${width}px`);
  }
  expect(tooWide).toEqual([]);
}

test("signed-out pages fit a phone", async ({ page }) => {
  await expectFits(page, [
    "/",
    "/signup",
    "/policies/terms",
    "/policies/privacy",
    "/verify",
    "/signin-error?code=account_closed",
    "/account-closed?state=deleted",
    "/no-such-page",
  ]);
});

test("a person with a long email address has pages that fit a phone", async ({ page }) => {
  await signUpAndSignIn(page, {
    label: "alexandra.konstantinopoulou-papadimitriou",
    optional: ["Product analytics"],
  });
  await expectFits(page, ["/", "/me/consents", "/me/history", "/me/data", "/me/delete", "/me/consents/withdraw/terms"]);
});

test("compliance pages fit a phone", async ({ pageAs }) => {
  const page = await pageAs("compliance");
  await page.goto("/compliance?email=user%40demo.test");
  const subject = await page
    .getByRole("link", { name: /Open|user@demo\.test/ })
    .first()
    .getAttribute("href");
  await expectFits(page, [
    "/",
    "/compliance",
    "/compliance?email=user%40demo.test",
    ...(subject ? [subject] : []),
    "/compliance/integrity",
    "/compliance/access-log",
    "/compliance/api-tokens",
  ]);
});

test("admin pages fit a phone", async ({ pageAs }) => {
  const page = await pageAs("admin");
  await expectFits(page, [
    "/admin",
    "/admin/purposes",
    "/admin/purposes/terms",
    "/admin/policies",
    "/admin/policies/drafts/new",
    "/admin/withdrawal-policy",
    "/admin/roles",
    "/admin/exports",
    "/admin/auth0-export",
  ]);
});
