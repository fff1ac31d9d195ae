// Redirects stay home (issue 13, point 4): every `returnTo` the consent gate is handed either
// names a page of the portal or sends the person to "/". The browser is the judge: Chromium
// turns `/\host` and `/<TAB>/host` into `//host`, so each hostile value is followed for real.
import { NEW_PASSWORD, attemptSignIn, auth0, expect, storageStateFor, test, uniqueEmail } from "./fixtures";
import { E2E_BASE_URL } from "./stack";

// Never resolved: a navigation there is caught by the route below, so a leak shows as a page.
const EVIL = "evil.example";
/** By host, not by glob: `**://evil.example/**` would also match the portal's own `?returnTo=http://evil.example/…`. */
const toEvil = (url: URL) => url.hostname === EVIL;

const hostile = [
  `/%5C${EVIL}/pwned`, // /\host
  `/%09/${EVIL}/pwned`, // /<TAB>/host
  `/%0A/${EVIL}/pwned`, // /<LF>/host
  `//${EVIL}/pwned`,
  `%2F%2F${EVIL}/pwned`,
  `/%2F${EVIL}/pwned`,
  `https:${EVIL}/pwned`,
  `http://${EVIL}/pwned`,
  `/.//${EVIL}/pwned`,
  `javascript:alert(document.domain)`,
  `/%0D%0ASet-Cookie:%20x=y`,
];

test.describe("the consent gate's returnTo", () => {
  test.use({ storageState: storageStateFor("user") });

  test.beforeEach(async ({ page }) => {
    await page.route(toEvil, (route) => route.fulfill({ body: "<h1>pwned</h1>", contentType: "text/html" }));
  });

  test("a person who needs no gate is sent on only to pages of the portal", async ({ page }) => {
    // Followed by Chromium: the values a browser itself turns into another host (all of them are
    // checked at the HTTP level below).
    for (const value of hostile.slice(0, 4)) {
      await page.goto(`/consent?returnTo=${value}`);
      const landed = new URL(page.url());
      expect(landed.origin, value).toBe(E2E_BASE_URL);
      expect(landed.host, value).not.toContain(EVIL);
      await expect(page.getByRole("heading", { name: "pwned" })).toHaveCount(0);
    }
    // A page of the portal is still where the gate sends them.
    await page.goto(`/consent?returnTo=${encodeURIComponent("/me/history?x=1")}`);
    await expect(page).toHaveURL(`${E2E_BASE_URL}/me/history?x=1`);
  });

  test("the redirect itself names a path on the portal, never another host", async ({ request }) => {
    for (const value of hostile) {
      const response = await request.get(`/consent?returnTo=${value}`, { maxRedirects: 0 });
      expect(response.status(), value).toBe(307);
      const location = response.headers()["location"]!;
      expect(location, value).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, E2E_BASE_URL).origin, value).toBe(E2E_BASE_URL);
    }
  });
});

test("accepting the gate with a hostile returnTo ends on the portal", async ({ page }) => {
  await page.route(toEvil, (route) => route.fulfill({ body: "<h1>pwned</h1>", contentType: "text/html" }));
  const email = uniqueEmail("gate-redirect");
  await auth0.createUser(email);
  await attemptSignIn(page, email, NEW_PASSWORD);
  await page.goto(`/consent?returnTo=/%5C${EVIL}/pwned`);
  await expect(page.getByRole("heading", { name: "Before you continue" })).toBeVisible();
  await page.getByLabel(/I have read and accept/).check();
  await page.getByRole("button", { name: "Accept and continue" }).click();
  await expect(page).toHaveURL(`${E2E_BASE_URL}/`);
  await expect(page.getByRole("heading", { name: "pwned" })).toHaveCount(0);
});
