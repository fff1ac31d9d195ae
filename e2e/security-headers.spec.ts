// Security headers on every response (issue 13, point 3), and pages that still work under the
// Content-Security-Policy: its scripts carry the request's nonce, and the browser reports no
// violation while the charts draw and the page reacts to clicks.
import type { APIResponse, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

function expectSecurityHeaders(response: APIResponse, what: string, options: { api?: boolean } = {}) {
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  if (options.api) expect(csp, what).toBe("default-src 'none'; frame-ancestors 'none'");
  else expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*' 'strict-dynamic'(;|$)/);
  expect(csp, what).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"], what).toContain("camera=()");
  expect(headers["x-frame-options"], what).toBe("DENY");
  // The e2e portal is plain http on localhost: no HSTS (unit tests cover https).
  expect(headers["strict-transport-security"], what).toBeUndefined();
}

/** Every CSP complaint the browser prints, from the moment the page opens. */
function watchViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (/Content Security Policy|EvalError/i.test(error.message)) violations.push(error.message);
  });
  return violations;
}

test("pages, route handlers, 404s, sign-in and static files carry the security headers", async ({ request }) => {
  const home = await request.get("/");
  expect(home.status()).toBe(200);
  expectSecurityHeaders(home, "a page");

  const health = await request.get("/api/health");
  expect(health.ok()).toBe(true);
  expectSecurityHeaders(health, "a route handler");

  const missingPage = await request.get("/no-such-page");
  expect(missingPage.status()).toBe(404);
  expectSecurityHeaders(missingPage, "the HTML 404");

  const missingApi = await request.get("/api/mgmt/v2/users");
  expect(missingApi.status()).toBe(401);
  expectSecurityHeaders(missingApi, "a refused Management API call", { api: true });

  const signedOutDownload = await request.get("/me/data/download");
  expect(signedOutDownload.status()).toBe(401);
  expectSecurityHeaders(signedOutDownload, "a refused route handler");

  const login = await request.get("/auth/login", { maxRedirects: 0 });
  expect(login.status()).toBeGreaterThanOrEqual(300);
  expectSecurityHeaders(login, "the SDK's /auth/login");

  const stylesheet = (await home.text()).match(/href="(\/_next\/static\/[^"]+\.css)"/)?.[1];
  expect(stylesheet).toBeTruthy();
  expectSecurityHeaders(await request.get(stylesheet!), "a static file");
});

test("every script tag on a page carries this response's nonce, and each response a new one", async ({ request }) => {
  const first = await request.get("/signup");
  const second = await request.get("/signup");
  const nonceOf = (response: APIResponse) =>
    response.headers()["content-security-policy"]!.match(/'nonce-([^']+)'/)![1]!;
  expect(nonceOf(first)).not.toBe(nonceOf(second));
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonceOf(first)}"`);
});

test("the admin dashboard draws its charts and reacts under the CSP, with no violation reported", async ({
  pageAs,
}) => {
  const admin = await pageAs("admin");
  const violations = watchViolations(admin);
  await admin.goto("/admin");
  await expect(admin.getByRole("heading", { name: "Admin dashboard" })).toBeVisible();
  const rate = admin.getByTestId("consent-rate");
  await expect(rate.locator("svg .recharts-line")).not.toHaveCount(0);
  // A click handled by React: hydration ran, so the nonce'd scripts ran.
  await rate.getByText("Show the figures as a table").click();
  await expect(rate.getByRole("table")).toBeVisible();
  await admin.goto("/verify");
  await admin.goto("/signup");
  await admin.goto("/no-such-page");
  expect(violations).toEqual([]);
});

test("another site cannot frame the portal's pages", async ({ page, baseURL }) => {
  await page.route("http://framer.example/", (route) =>
    route.fulfill({ contentType: "text/html", body: `<h1>Framer</h1><iframe src="${baseURL}/signup"></iframe>` }),
  );
  // The framer's load event waits for its frame, refused or not.
  await page.goto("http://framer.example/");
  await expect(page.getByRole("heading", { name: "Framer" })).toBeVisible();
  await expect(page.frameLocator("iframe").getByRole("button", { name: "Create account" })).toHaveCount(0);
});
