// Sessions that end (ADR 035), where a browser matters: the "Where you are signed in" list on
// My data, and copied session cookies that stop working once the session is ended.
import type { Browser, BrowserContext } from "@playwright/test";
import { NEW_PASSWORD, expect, expectNoSeriousA11yViolations, signIn, test } from "./fixtures";

/**
 * Another browser holding only a copy of `context`'s portal session cookie: what a thief has,
 * without the identity provider's own session (which would sign it in again silently).
 */
async function withCopiedSessionCookie(browser: Browser, context: BrowserContext): Promise<BrowserContext> {
  const session = (await context.cookies()).filter((cookie) => cookie.name === "__session");
  expect(session).toHaveLength(1);
  const copy = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  await copy.addCookies(session);
  return copy;
}

const loginPage = { name: "Welcome", exact: true } as const;

test("a person ends the session of another browser; copied cookies stop working when a session ends", async ({
  browser,
  newSignedInPerson,
}) => {
  // Two browsers signed in, three copied cookies and an accessibility check: well over the
  // suite's 60 s on a loaded 2-core machine.
  test.setTimeout(150_000);
  const { page: laptop, email } = await newSignedInPerson("devices");
  const phoneContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const phone = await phoneContext.newPage();
  await signIn(phone, email, NEW_PASSWORD);
  await expect(phone.getByRole("link", { name: "Sign out" })).toBeVisible();
  const phoneCopy = await (await withCopiedSessionCookie(browser, phoneContext)).newPage();
  await phoneCopy.goto("/me/data");
  await expect(phoneCopy.getByRole("heading", { name: "My data" })).toBeVisible();

  await laptop.goto("/me/data");
  const sessions = laptop.getByTestId("my-session");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: "(this browser)" })).toHaveCount(1);
  await expectNoSeriousA11yViolations(laptop);
  await sessions
    .filter({ hasNotText: "(this browser)" })
    .getByRole("button", { name: /End session/ })
    .click();
  // The ended session leaves the list (its row, with the form, is gone after the refresh).
  await expect(sessions).toHaveCount(1);
  await phoneCopy.goto("/me/data");
  await expect(phoneCopy.getByRole("heading", loginPage)).toBeVisible();
  // The phone itself still holds the identity provider's login cookie, but that session ended too
  // (ADR 043): signing in there asks for the password again instead of letting it straight back in.
  await phone.goto("/");
  await phone.getByRole("link", { name: "Sign in to continue" }).click();
  await expect(phone.getByRole("heading", loginPage)).toBeVisible();
  await expect(phone.getByLabel("Password")).toBeEmpty();

  // A copy of the laptop's cookie works until the laptop signs out, and not after.
  const laptopCopy = await (await withCopiedSessionCookie(browser, laptop.context())).newPage();
  await laptopCopy.goto("/me/data");
  await expect(laptopCopy.getByRole("heading", { name: "My data" })).toBeVisible();
  await laptop.getByRole("banner").getByRole("link", { name: "Sign out" }).click();
  await expect(laptop.getByRole("link", { name: "Sign in to continue" })).toBeVisible();
  await laptopCopy.goto("/me/data");
  await expect(laptopCopy.getByRole("heading", loginPage)).toBeVisible();

  await phoneContext.close();
  await phoneCopy.context().close();
  await laptopCopy.context().close();
});
