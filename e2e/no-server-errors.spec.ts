// No 500 for bad input (issue 13, point 6): property-based requests (fast-check) to every route
// handler and every page that takes input from its address, as each role, over real HTTP. Values
// include NUL bytes, bad UTF-8 percent-escapes, the year 0000, line breaks, huge numbers and
// overlong strings. Every answer must be below 500; a new route or page with input must get a
// row below (the first test lists what lacks one).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { request as httpRequest } from "node:http";
import type { Browser } from "@playwright/test";
import fc from "fast-check";
import { hostileText } from "../test/hostile-values";
import { expect, requestApiToken, storageStateFor, test as base } from "./fixtures";
import { E2E_BASE_URL } from "./stack";

type Role = "anonymous" | "user" | "compliance" | "admin";
const ROLES: Role[] = ["anonymous", "user", "compliance", "admin"];

interface Target {
  /** The app directory's path, as in the file tree (`[id]`, `[...path]`). */
  path: string;
  kind: "route" | "page";
  methods?: Array<"GET" | "POST" | "PUT" | "PATCH" | "DELETE">;
  /** Query parameters the code reads. */
  query?: string[];
  /** Staff API token in the Authorization header (the Management API proxy). */
  staffToken?: boolean;
  /** An API client's Auth0 access token in the Authorization header (/api/v1). */
  apiToken?: boolean;
}

const PERSON_QUERY = ["subjectId", "auth0UserId", "externalId", "purpose"];

const TARGETS: Target[] = [
  { path: "admin/auth0-export/jobs/[id]/download", kind: "route", query: ["compressed"] },
  { path: "admin/auth0-export/jobs/[id]", kind: "route" },
  {
    path: "admin/exports/download",
    kind: "route",
    query: ["dataset", "format", "purpose", "state", "version", "from", "to", "compressed"],
  },
  { path: "admin/exports/jobs/[id]/download", kind: "route", query: ["compressed"] },
  { path: "admin/exports/jobs/[id]", kind: "route" },
  { path: "admin/imports/upload", kind: "route", methods: ["POST"] },
  { path: "api/health", kind: "route" },
  {
    path: "api/mgmt/v2/[...path]",
    kind: "route",
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    query: ["q", "search_engine", "page", "per_page", "fields", "include_totals", "sort"],
    staffToken: true,
  },
  { path: "api/receipts/jwks", kind: "route" },
  { path: "api/v1/consent", kind: "route", query: PERSON_QUERY, apiToken: true },
  { path: "api/v1/decisions", kind: "route", methods: ["POST"], apiToken: true },
  { path: "api/v1/events", kind: "route", query: ["after", "limit", "wait"], apiToken: true },
  { path: "api/v1/imports/legacy-consents", kind: "route", methods: ["POST"], apiToken: true },
  { path: "api/v1/openapi.json", kind: "route" },
  { path: "api/v1/policy-versions/[id]", kind: "route", apiToken: true },
  { path: "api/v1/policy-versions", kind: "route", query: ["kind"], apiToken: true },
  { path: "api/v1/purposes/[purpose]/people", kind: "route", query: ["status", "after", "limit"], apiToken: true },
  { path: "api/v1/purposes", kind: "route", apiToken: true },
  { path: "api/v1/receipts/[eventId]", kind: "route", apiToken: true },
  { path: "api/v1/webhooks", kind: "route", methods: ["GET", "POST"], apiToken: true },
  { path: "api/v1/webhooks/[endpointId]", kind: "route", methods: ["GET", "PATCH"], apiToken: true },
  { path: "api/v1/webhooks/[endpointId]/deliveries", kind: "route", query: ["status", "limit"], apiToken: true },
  {
    path: "api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/replay",
    kind: "route",
    methods: ["POST"],
    apiToken: true,
  },
  { path: "api/v1/webhooks/[endpointId]/rotate-secret", kind: "route", methods: ["POST"], apiToken: true },
  { path: "compliance/integrity/status", kind: "route" },
  { path: "compliance/subjects/[subjectId]/export", kind: "route" },
  { path: "compliance/subjects/[subjectId]/receipts/[eventId]", kind: "route" },
  { path: "log/checkpoint", kind: "route" },
  { path: "log/entries", kind: "route", query: ["start", "end"] },
  { path: "log/proof/consistency", kind: "route", query: ["from", "to"] },
  { path: "log/proof/inclusion", kind: "route", query: ["index", "size"] },
  { path: "me/data/download", kind: "route" },
  { path: "me/receipts/[eventId]", kind: "route" },
  { path: "admin/policies/drafts/[id]", kind: "page", query: ["saved"] },
  { path: "admin/policies/versions/[id]", kind: "page", query: ["published"] },
  { path: "admin/purposes/[key]", kind: "page" },
  { path: "admin/webhooks/[endpointId]", kind: "page" },
  { path: "compliance/subjects/[subjectId]", kind: "page" },
  { path: "policies/[kind]/[version]", kind: "page" },
  { path: "policies/[kind]", kind: "page" },
  { path: "me/consents/withdraw/[purpose]", kind: "page" },
  // Pages whose code reads the query.
  { path: "account-closed", kind: "page", query: ["state"] },
  {
    path: "admin/exports",
    kind: "page",
    query: ["dataset", "format", "purpose", "state", "version", "from", "to", "invalid", "large"],
  },
  { path: "admin/policies/drafts/new", kind: "page", query: ["kind"] },
  { path: "admin/purposes", kind: "page", query: ["deleted"] },
  { path: "admin/roles", kind: "page", query: ["revoked", "user"] },
  { path: "compliance/access-log", kind: "page", query: ["actorId", "subjectId", "action", "from", "to", "cursor"] },
  {
    path: "compliance",
    kind: "page",
    query: ["email", "auth0UserId", "subjectId", "purpose", "status", "policyVersionId", "from", "to", "cursor"],
  },
  { path: "consent", kind: "page", query: ["returnTo"] },
  { path: "email-verified", kind: "page", query: ["email"] },
  { path: "signin-error", kind: "page", query: ["code"] },
];

/** Every route handler, and every page with a dynamic segment or that reads its query. */
function appTargets(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (
        name === "route.ts" ||
        (name === "page.tsx" && (full.includes("[") || readFileSync(full, "utf8").includes("searchParams")))
      ) {
        // Route groups `(name)` are not part of the address.
        const path = relative("app", dir)
          .split("/")
          .filter((part) => !/^\(.*\)$/.test(part))
          .join("/");
        found.push(path);
      }
    }
  };
  walk("app");
  return found.sort();
}

/** Hostile text: what a careless or malicious client sends (the same list as the server-action fuzz's). */
const hostile = hostileText;

/** Percent-escapes sent as they are, including ones that are not UTF-8. */
const rawEscape = fc.constantFrom("%00", "%C0%AF", "%FF", "%E2%82", "%", "%%", "%2e%2e%2f", "%0d%0a", "%ZZ", "%u0000");

/** UTF-8 percent-encoding that never throws (a lone surrogate becomes U+FFFD). */
function encode(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}

/** Values the code accepts, so that some requests get past validation into the code behind it. */
const plausible = fc.constantFrom(
  "terms",
  "privacy",
  "analytics",
  "marketing-email",
  "granted",
  "withdrawn",
  "erased",
  "consent_state",
  "consent_events",
  "csv",
  "json",
  "ndjson",
  "1",
  "0",
  "2026-01-01",
  "2026-12-31",
  "user@demo.test",
  "view.subject",
);

const value = fc.oneof(
  { weight: 4, arbitrary: hostile.map(encode) },
  { weight: 2, arbitrary: plausible },
  { weight: 1, arbitrary: rawEscape },
);

function address(target: Target, segments: string[], query: Array<[string, string]>): string {
  let index = 0;
  const path = target.path
    .split("/")
    .map((part) => (part.startsWith("[") ? segments[index++] || "x" : part))
    .join("/");
  const search = query.map(([key, text]) => `${key}=${text}`).join("&");
  return `/${path}${search ? `?${search}` : ""}`;
}

/**
 * Sends the request target exactly as written (node:http does not normalise it, unlike fetch)
 * and returns the status.
 */
function send(path: string, method: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // A connection per request (agent: false): a reused keep-alive socket that the server has
    // just closed would fail with ECONNRESET, which is not the server's answer.
    const request = httpRequest(E2E_BASE_URL, { path, method, headers, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** An Auth0 access token of an API client with every scope, registered as an admin does. */
async function apiClientToken(browser: Browser): Promise<string> {
  const context = await browser.newContext({ storageState: storageStateFor("admin") });
  const admin = await context.newPage();
  await admin.goto("/admin/api-clients");
  await admin.getByLabel("Name").fill(`fuzz ${Date.now().toString(36)}`);
  for (const scope of ["consent:read", "consent:write", "consent:import", "events:read", "webhooks:manage"]) {
    await admin.getByRole("checkbox", { name: scope }).check();
  }
  await admin.getByRole("button", { name: "Register client" }).click();
  await expect(admin.getByTestId("new-client-secret")).not.toBeEmpty();
  const clientId = (await admin.getByTestId("new-client-id").textContent())!.trim();
  const clientSecret = (await admin.getByTestId("new-client-secret").textContent())!.trim();
  await context.close();
  const response = await requestApiToken(clientId, clientSecret);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

// One API client per worker, registered when a worker's first API route test asks: the tests only
// use its token (registering one per test cost each a few seconds of the e2e budget).
const test = base.extend<object, { apiToken: () => Promise<string> }>({
  apiToken: [
    async ({ browser }, provide) => {
      let token: Promise<string> | undefined;
      await provide(() => (token ??= apiClientToken(browser)));
    },
    { scope: "worker" },
  ],
});

/**
 * 1,000 runs for a route handler that reads input (query, path segments, a body); one that reads
 * none has no schema to explore, and 100 runs of stray parameters and roles say as much. Pages: 200.
 */
const takesInput = (target: Target) =>
  Boolean(target.query?.length) ||
  target.path.includes("[") ||
  (target.methods ?? ["GET"]).some((method) => method !== "GET");
const runsFor = (target: Target) => (target.kind === "page" ? 200 : takesInput(target) ? 1_000 : 100);

test.describe("no 500 for bad input", () => {
  test("every route handler and every page with input has a row here", () => {
    expect(appTargets().filter((path) => !TARGETS.some((target) => target.path === path))).toEqual([]);
  });

  // Each role's session cookie, from the sessions auth.setup.ts saved.
  let cookies: Record<Role, string>;
  test.beforeAll(() => {
    const cookieOf = (role: Role) => {
      if (role === "anonymous") return "";
      const state = JSON.parse(readFileSync(storageStateFor(role), "utf8")) as {
        cookies: Array<{ name: string; value: string }>;
      };
      return state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
    };
    cookies = Object.fromEntries(ROLES.map((role) => [role, cookieOf(role)])) as Record<Role, string>;
  });

  for (const target of TARGETS) {
    test(`${target.kind} /${target.path}`, async ({ staffApi, apiToken: workerApiToken }) => {
      test.setTimeout(300_000);
      const apiToken = target.apiToken ? await workerApiToken() : "";
      // A read-only compliance token for the Management API proxy, made in its page as staff do.
      const staffToken = target.staffToken ? (await staffApi("compliance", { label: "fuzz", write: false })).token : "";
      const segmentCount = target.path.split("/").filter((part) => part.startsWith("[")).length;
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ROLES),
          fc.constantFrom(...(target.methods ?? ["GET" as const])),
          fc.array(value, { minLength: segmentCount, maxLength: segmentCount }),
          fc.array(fc.tuple(fc.constantFrom(...(target.query ?? ["q"])), value), { maxLength: 4 }),
          fc.option(hostile, { nil: undefined }),
          async (role, method, segments, query, body) => {
            const url = address(target, segments, query);
            // The proxy is called with a read-only token, never with a staff session's cookie: a
            // random write must not reach the tenant with an admin's rights.
            const status = await send(
              url,
              method,
              {
                ...(!target.staffToken && !target.apiToken && cookies[role] && { cookie: cookies[role] }),
                ...(target.staffToken && role !== "anonymous" && { authorization: `Bearer ${staffToken}` }),
                // API routes: the API client's token for every role but "anonymous".
                ...(target.apiToken && role !== "anonymous" && { authorization: `Bearer ${apiToken}` }),
                ...(body !== undefined && method !== "GET" && { "content-type": "application/json" }),
              },
              body !== undefined && method !== "GET" ? JSON.stringify({ value: body }) : undefined,
            );
            if (status >= 500) failures.push(`${role} ${method} ${url} → ${status}`);
            return status < 500;
          },
        ),
        { numRuns: runsFor(target) },
      );
      expect(failures).toEqual([]);
    });
  }
});
