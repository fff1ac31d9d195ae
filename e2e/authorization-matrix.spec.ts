// The authorization matrix (issue 13, point 9): every page, route handler and server action,
// called over HTTP by each kind of caller, with the outcome each must get. The list of
// pages and routes comes from the app directory and the list of server actions from the build's
// manifest: one without a row here fails the first test.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { expect, grantAdminOnRolesPage, signUpAndSignIn, storageStateFor, test } from "./fixtures";
import { E2E_BASE_URL, E2E_PORT_OFFSET } from "./stack";

type Access = "public" | "user" | "compliance" | "admin" | "owner" | "api-token";
type Caller = "anonymous" | "personA" | "personB" | "compliance" | "admin" | "signedOutCookie" | "revokedAdmin";
type Outcome = "ok" | "sign-in" | "forbidden" | "not-found" | "server-error";
type SessionCaller = Exclude<Caller, "revokedAdmin">;
const CALLERS: SessionCaller[] = ["anonymous", "personA", "personB", "compliance", "admin", "signedOutCookie"];
/** Callers whose making changes a role (global state): checked in their own test, after the others. */
const REVOKED_CALLERS: Caller[] = ["revokedAdmin"];

/** Pages and route handlers, by their path in the app directory. */
const ADDRESSES: Record<string, Access> = {
  "": "public",
  "account-closed": "public",
  admin: "admin",
  "admin/api-clients": "admin",
  "admin/auth0-export": "admin",
  "admin/auth0-export/jobs/[id]": "admin",
  "admin/auth0-export/jobs/[id]/download": "admin",
  "admin/exports": "admin",
  "admin/exports/download": "admin",
  "admin/exports/jobs/[id]": "admin",
  "admin/exports/jobs/[id]/download": "admin",
  "admin/imports": "admin",
  "admin/imports/upload": "admin",
  "admin/policies": "admin",
  "admin/policies/drafts/[id]": "admin",
  "admin/policies/drafts/new": "admin",
  "admin/policies/versions/[id]": "admin",
  "admin/purposes": "admin",
  "admin/purposes/[key]": "admin",
  "admin/roles": "admin",
  "admin/webhooks": "admin",
  "admin/webhooks/[endpointId]": "admin",
  "admin/withdrawal-policy": "admin",
  "api/health": "public",
  "api/mgmt/v2/[...path]": "compliance",
  "api/receipts/jwks": "public",
  // The consent API takes an API client's Auth0 token, never a session (ADR 033).
  "api/docs": "public",
  "api/v1/consent": "api-token",
  "api/v1/decisions": "api-token",
  "api/v1/events": "api-token",
  "api/v1/imports/legacy-consents": "api-token",
  "api/v1/openapi.json": "public",
  "api/v1/policy-versions": "api-token",
  "api/v1/policy-versions/[id]": "api-token",
  "api/v1/purposes": "api-token",
  "api/v1/purposes/[purpose]/people": "api-token",
  "api/v1/receipts/[eventId]": "api-token",
  "api/v1/webhooks": "api-token",
  "api/v1/webhooks/[endpointId]": "api-token",
  "api/v1/webhooks/[endpointId]/deliveries": "api-token",
  "api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/replay": "api-token",
  "api/v1/webhooks/[endpointId]/rotate-secret": "api-token",
  compliance: "compliance",
  "compliance/access-log": "compliance",
  "compliance/api-tokens": "compliance",
  "compliance/integrity": "compliance",
  "compliance/integrity/status": "compliance",
  "compliance/subjects/[subjectId]": "compliance",
  "compliance/subjects/[subjectId]/export": "compliance",
  "compliance/subjects/[subjectId]/receipts/[eventId]": "compliance",
  consent: "user",
  // Auth0's verification link lands here: anyone, signed in or not (ADR 040).
  "email-verified": "public",
  "log/checkpoint": "public",
  "log/entries": "public",
  "log/proof/consistency": "public",
  "log/proof/inclusion": "public",
  "me/consents": "user",
  "me/consents/withdraw/[purpose]": "user",
  "me/data": "user",
  "me/data/download": "user",
  "me/delete": "user",
  "me/history": "user",
  // A's receipt: A gets it, nobody else does (staff read receipts through the subject page).
  "me/receipts/[eventId]": "owner",
  "policies/[kind]": "public",
  "policies/[kind]/[version]": "public",
  "signin-error": "public",
  signup: "public",
  verify: "public",
};

/** Routes without a GET, called with the method they take. */
const METHODS: Record<string, string> = {
  "admin/imports/upload": "POST",
  "api/v1/decisions": "POST",
  "api/v1/imports/legacy-consents": "POST",
  "api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/replay": "POST",
  "api/v1/webhooks/[endpointId]/rotate-secret": "POST",
};

/** Server actions, as `file#export`. */
const ACTIONS: Record<string, Access> = {
  "app/admin/api-clients/actions.ts#registerApiClientAction": "admin",
  "app/admin/api-clients/actions.ts#revokeApiClientAction": "admin",
  "app/admin/auth0-export/actions.ts#startAuth0ExportAction": "admin",
  "app/admin/exports/actions.ts#startExportJobAction": "admin",
  "app/admin/policies/actions.ts#saveDraftAction": "admin",
  "app/admin/policies/actions.ts#deleteDraftAction": "admin",
  "app/admin/policies/actions.ts#publishDraftAction": "admin",
  "app/admin/purposes/actions.ts#createPurposeAction": "admin",
  "app/admin/purposes/actions.ts#updatePurposeAction": "admin",
  "app/admin/purposes/actions.ts#retirePurposeAction": "admin",
  "app/admin/purposes/actions.ts#reinstatePurposeAction": "admin",
  "app/admin/reconciliation-actions.ts#reconcileNowAction": "admin",
  "app/admin/roles/actions.ts#changeRoleAction": "admin",
  "app/admin/roles/actions.ts#endSessionsAction": "admin",
  "app/me/data/actions.ts#endMySessionAction": "user",
  "app/admin/webhooks/actions.ts#registerWebhookAction": "admin",
  "app/admin/webhooks/actions.ts#rotateWebhookSecretAction": "admin",
  "app/admin/webhooks/actions.ts#setWebhookEnabledAction": "admin",
  "app/admin/webhooks/actions.ts#replayWebhookDeliveryAction": "admin",
  "app/admin/withdrawal-policy/actions.ts#changeWithdrawalPolicyAction": "admin",
  "app/compliance/api-tokens/actions.ts#createTokenAction": "compliance",
  "app/compliance/api-tokens/actions.ts#revokeTokenAction": "compliance",
  "app/compliance/integrity/actions.ts#startVerificationAction": "compliance",
  "app/compliance/subjects/[subjectId]/actions.ts#recordOnBehalfAction": "admin",
  "app/consent/actions.ts#acceptGate": "user",
  "app/me/consents/actions.ts#changeConsent": "user",
  "app/me/consents/actions.ts#withdrawRequiredConsent": "user",
  "app/me/consents/actions.ts#resendVerificationLink": "user",
  "app/me/delete/actions.ts#deleteAccount": "user",
  "app/signup/actions.ts#signUp": "public",
};

/** What each caller must get for each kind of access. */
function expected(access: Access, caller: Caller): Outcome[] {
  if (access === "public") return ["ok"];
  if (access === "api-token") return ["sign-in"]; // 401 to every session, an admin's included
  // A cookie kept from before its owner signed out is nobody's (sessions live in PostgreSQL), nor is
  // an admin's whose role was revoked (revoking ends their sessions, ADR 035).
  if (caller === "anonymous" || caller === "signedOutCookie" || caller === "revokedAdmin") return ["sign-in"];
  if (access === "owner") return caller === "personA" ? ["ok"] : ["not-found"];
  const allowed =
    access === "user" ||
    (access === "compliance" && (caller === "compliance" || caller === "admin")) ||
    (access === "admin" && caller === "admin");
  // Past the role check, an id that does not exist is a 404: authorization passed.
  return allowed ? ["ok", "not-found"] : ["forbidden"];
}

function appAddresses(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts" || name === "page.tsx") found.push(relative("app", dir));
    }
  };
  walk("app");
  return found.sort();
}

interface ManifestAction {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

function buildActions(): Array<{ id: string; key: string; page: string }> {
  // The e2e stack's build directory (playwright.config.ts): its own only when an offset is set.
  const file = join(
    E2E_PORT_OFFSET ? `.next-e2e-${E2E_PORT_OFFSET}` : ".next",
    "server",
    "server-reference-manifest.json",
  );
  if (!existsSync(file)) throw new Error(`${file} is missing: the e2e build writes it`);
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { node: Record<string, ManifestAction> };
  return Object.entries(manifest.node).map(([id, action]) => ({
    id,
    key: `${action.filename}#${action.exportedName}`,
    // The page the action is posted to: the first page that imports it.
    page:
      Object.keys(action.workers)[0]!
        .replace(/^app/, "")
        .replace(/\/page$/, "") || "/",
  }));
}

function outcomeOf(response: APIResponse): Outcome {
  const status = response.status();
  const location = response.headers()["location"] ?? response.headers()["x-action-redirect"] ?? "";
  if (status >= 500) return "server-error";
  if (status === 401 || location.includes("/auth/login")) return "sign-in";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  return "ok";
}

function address(path: string, samples: Record<string, string>): string {
  return (
    "/" +
    path
      .split("/")
      .map((part) => samples[part] ?? part)
      .join("/")
  );
}

/** Every page and route handler called by each of `callers`: the calls whose outcome is wrong. */
async function wrongPageOutcomes(
  clients: Partial<Record<Caller, APIRequestContext>>,
  callers: Caller[],
  samples: Record<string, string>,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const [path, access] of Object.entries(ADDRESSES)) {
    for (const caller of callers) {
      const url = address(path, samples);
      const method = METHODS[path] ?? "GET";
      const outcome = outcomeOf(await clients[caller]!.fetch(url, { method }));
      if (!expected(access, caller).includes(outcome)) {
        wrong.push(`${caller} ${method} ${url}: ${outcome}, expected ${expected(access, caller).join(" or ")}`);
      }
    }
  }
  return wrong;
}

/** Every server action posted by each of `callers` as the browser posts it: the wrong outcomes. */
async function wrongActionOutcomes(
  clients: Partial<Record<Caller, APIRequestContext>>,
  callers: Caller[],
  samples: Record<string, string>,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const action of buildActions()) {
    const access = ACTIONS[action.key]!;
    for (const caller of callers) {
      // As the browser calls an action: its id in a header, its arguments (none) as the body.
      const url = address(action.page.replace(/^\//, ""), samples);
      const response = await clients[caller]!.post(url, {
        headers: { "next-action": action.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
        data: "[]",
      });
      const outcome = outcomeOf(response);
      // An allowed caller gets the form's validation errors (nothing was submitted): "ok".
      const want = access === "owner" ? expected("user", caller) : expected(access, caller);
      if (!want.includes(outcome)) {
        wrong.push(
          `${caller} ${action.key} at ${url}: ${outcome} (${response.status()}), expected ${want.join(" or ")}`,
        );
      }
    }
  }
  return wrong;
}

/** Ids and names for the dynamic segments; a receipt of its own for `[eventId]` (an owner's). */
const SAMPLES = {
  "[id]": "00000000-0000-4000-8000-000000000000",
  "[endpointId]": "00000000-0000-4000-8000-000000000000",
  "[deliveryId]": "00000000-0000-4000-8000-000000000000",
  "[key]": "analytics",
  "[subjectId]": "00000000-0000-4000-8000-000000000000",
  "[kind]": "terms",
  "[version]": "1",
  "[purpose]": "analytics",
  "[...path]": "users",
};

test.describe("authorization matrix", () => {
  let clients: Record<SessionCaller, APIRequestContext>;
  let samples: Record<string, string>;

  test.beforeAll(async ({ browser, playwright }) => {
    // Person B: a new person, signed in through the pages.
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    await signUpAndSignIn(await context.newPage(), { label: "matrix-b" });
    const personB = await context.storageState();
    await context.close();
    // A cookie copied before its owner signed out.
    const leaving = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const leaver = await leaving.newPage();
    await signUpAndSignIn(leaver, { label: "matrix-out" });
    const signedOut = await leaving.storageState();
    await leaver.getByRole("banner").getByRole("link", { name: "Sign out" }).click();
    await expect(leaver.getByRole("link", { name: "Sign in to continue" })).toBeVisible();
    await leaving.close();
    const states: Record<SessionCaller, Parameters<typeof playwright.request.newContext>[0]> = {
      anonymous: { storageState: { cookies: [], origins: [] } },
      personA: { storageState: storageStateFor("user") },
      personB: { storageState: personB },
      compliance: { storageState: storageStateFor("compliance") },
      admin: { storageState: storageStateFor("admin") },
      signedOutCookie: { storageState: signedOut },
    };
    clients = Object.fromEntries(
      await Promise.all(
        CALLERS.map(async (caller) => [
          caller,
          await playwright.request.newContext({ baseURL: E2E_BASE_URL, maxRedirects: 0, ...states[caller] }),
        ]),
      ),
    ) as Record<SessionCaller, APIRequestContext>;
    // One of A's receipts: the first on A's history page.
    const history = await (await clients.personA.get("/me/history")).text();
    const eventId = /\/me\/receipts\/([0-9a-f-]{36})/.exec(history)?.[1];
    expect(eventId, "person A has a receipt to ask for").toBeTruthy();
    samples = { ...SAMPLES, "[eventId]": eventId! };
  });
  test.afterAll(async () => {
    for (const client of Object.values(clients)) await client.dispose();
  });

  test("every page, route handler and server action has a row", () => {
    expect(appAddresses().filter((path) => !(path in ADDRESSES))).toEqual([]);
    expect(
      buildActions()
        .filter((action) => !(action.key in ACTIONS))
        .map((action) => action.key),
    ).toEqual([]);
  });

  test("pages and route handlers answer each caller as their access says", async () => {
    test.setTimeout(300_000);
    expect(await wrongPageOutcomes(clients, CALLERS, samples)).toEqual([]);
  });

  test("server actions refuse callers their role does not allow, before reading the form", async () => {
    test.setTimeout(300_000);
    expect(await wrongActionOutcomes(clients, CALLERS, samples)).toEqual([]);
  });
});

// Making someone an admin changes the count of admins that other specs' last-admin checks read:
// this caller is set up and checked after every other spec (project global-state).
test(
  "a revoked admin's session is nobody's: every page, route handler and server action answers sign-in",
  { tag: "@global-state" },
  async ({ browser, playwright }) => {
    test.setTimeout(600_000);
    // A person made admin on the roles page, who signs in again to act as one.
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const email = await signUpAndSignIn(page, { label: "matrix-revoked" });
    const { admin, row } = await grantAdminOnRolesPage(browser, page, email);
    const revokedState = await context.storageState();

    // Revoked on the roles page (the use case ends their sessions, ADR 035).
    await row.getByRole("button", { name: `Remove admin from ${email}` }).click();
    await row.getByRole("button", { name: `Yes, remove admin from ${email}` }).click();
    await expect(admin.getByText(`${email} no longer has the admin role`)).toBeVisible();
    await expect(row).toHaveCount(0);
    await admin.context().close();

    const revoked = await playwright.request.newContext({
      baseURL: E2E_BASE_URL,
      maxRedirects: 0,
      storageState: revokedState,
    });
    try {
      // The cookie still names a session; the session is gone. (No receipt of its own: `[eventId]` is a sample.)
      const samples = { ...SAMPLES, "[eventId]": "00000000-0000-4000-8000-000000000000" };
      const clients = { revokedAdmin: revoked };
      expect(await wrongPageOutcomes(clients, REVOKED_CALLERS, samples)).toEqual([]);
      expect(await wrongActionOutcomes(clients, REVOKED_CALLERS, samples)).toEqual([]);
    } finally {
      await revoked.dispose();
      await context.close();
    }
  },
);
