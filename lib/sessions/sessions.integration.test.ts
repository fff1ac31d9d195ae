// Server-side sessions (ADR 035), end to end below the pages: the SDK's /auth/* routes over HTTP
// against the emulator, real session cookies replayed after they should have stopped working.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { changeStaffRole } from "@/lib/admin/change-staff-role";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { handleMgmtRequest } from "@/lib/compliance/mgmt-proxy/handle-mgmt-request";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { adminActor, personActor } from "@/test/actors";
import { startPortalTenant, TEST_PASSWORD, type TestTenant } from "@/test/emulator";
import { startPortalAuthServer, TestBrowser, type PortalAuthServer } from "@/test/portal-auth-server";
import { endMySession } from "./end-my-session";
import { endSessionsOf } from "./end-sessions-of";
import { listMySessions } from "./list-my-sessions";

let portal: PortalAuthServer;
let tenant: TestTenant;
let admin: { user_id: string };

beforeAll(async () => {
  portal = await startPortalAuthServer();
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "delete:users", "read:sessions", "delete:sessions"],
    appBaseUrl: portal.origin,
  });
  // The portal reads its configuration once, on first use: point it at this server and emulator.
  process.env.APP_BASE_URL = portal.origin;
  process.env.AUTH0_DOMAIN = tenant.origin;
  admin = await tenant.createUser(`admin.${randomUUID().slice(0, 8)}@example.com`, {
    app_metadata: { roles: ["compliance", "admin"] },
  });
});

afterAll(async () => {
  await portal?.close();
  await tenant?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock (Date only: timers and I/O run as usual). */
function clockForward(milliseconds: number) {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now + milliseconds);
}

async function newUser(label: string, roles: string[] = []) {
  const email = `${label}.${randomUUID().slice(0, 8)}@example.com`;
  const user = await tenant.createUser(email, { app_metadata: { roles } });
  return { email, userId: user.user_id };
}

async function signedIn(email: string): Promise<TestBrowser> {
  const browser = new TestBrowser();
  await browser.signIn(portal.origin, email, TEST_PASSWORD);
  expect(browser.cookies.has("__session")).toBe(true);
  return browser;
}

/** Another browser holding a copy of `browser`'s cookies (a stolen or shared cookie). */
function copyOf(browser: TestBrowser): TestBrowser {
  const copy = new TestBrowser();
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

/** The user's login sessions at the tenant (Auth0's GET /api/v2/users/{id}/sessions). */
async function tenantSessionsOf(userId: string): Promise<Array<{ id: string }>> {
  const answer = await tenant.api<{ sessions: Array<{ id: string }> }>(
    "GET",
    `/api/v2/users/${encodeURIComponent(userId)}/sessions`,
  );
  expect(answer.status).toBe(200);
  return answer.body.sessions;
}

function jsonBody(value: unknown): ReadableStream<Uint8Array> {
  return new Response(JSON.stringify(value)).body!;
}

describe("signing out", () => {
  it("ends the session on the server: a copy of the cookie taken before stops working", async () => {
    const person = await newUser("signout");
    const browser = await signedIn(person.email);
    const stolen = copyOf(browser);
    expect((await stolen.whoami(portal.origin))?.userId).toBe(person.userId);

    const logout = await browser.request(`${portal.origin}/auth/logout`);
    expect(logout.status).toBeGreaterThanOrEqual(300);
    expect(await stolen.whoami(portal.origin)).toBeNull();
    expect(await db().portalSession.count({ where: { userId: person.userId } })).toBe(0);
  });

  it("from Auth0 (back-channel logout) ends the portal's session too", async () => {
    const person = await newUser("backchannel");
    const browser = await signedIn(person.email);
    const stolen = copyOf(browser);
    // The person signs out at the tenant itself (another application's sign-out link).
    const form = await (await browser.visit(`${tenant.origin}/oidc/logout`)).text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(form)?.[1];
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(form)?.[1];
    expect(xsrf && action).toBeTruthy();
    const signedOut = await browser.visit(new URL(action!, tenant.origin).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }).toString(),
    });
    expect(await signedOut.text()).toContain("You are signed out.");
    expect(await stolen.whoami(portal.origin)).toBeNull();
  });
});

describe("staff sessions follow the roles held now", () => {
  it("revoking a role in the admin console ends the person's sessions at once", async () => {
    const staff = await newUser("revoked", ["compliance", "admin"]);
    const browser = await signedIn(staff.email);
    expect((await browser.whoami(portal.origin))?.roles).toEqual(["compliance", "admin"]);

    await changeStaffRole({ user: staff.userId, role: "admin", change: "revoke" }, adminActor(admin.user_id));
    expect(await browser.whoami(portal.origin)).toBeNull();
  });

  it("a role removed or a block made in Auth0 itself reaches the session within a minute", async () => {
    const staff = await newUser("auth0side", ["compliance", "admin"]);
    const browser = await signedIn(staff.email);
    expect((await browser.whoami(portal.origin))?.roles).toEqual(["compliance", "admin"]);

    await tenant.api("PATCH", `/api/v2/users/${encodeURIComponent(staff.userId)}`, {
      body: { app_metadata: { roles: ["compliance"] } },
    });
    clockForward(61_000);
    expect((await browser.whoami(portal.origin))?.roles).toEqual(["compliance"]);

    await tenant.api("PATCH", `/api/v2/users/${encodeURIComponent(staff.userId)}`, { body: { blocked: true } });
    clockForward(61_000);
    expect(await browser.whoami(portal.origin)).toBeNull();
  });

  it("blocking or deleting someone through the Management API proxy ends their sessions at once", async () => {
    const blocked = await newUser("blocked", ["compliance"]);
    const deleted = await newUser("deleted");
    const blockedBrowser = await signedIn(blocked.email);
    const deletedBrowser = await signedIn(deleted.email);

    const patch = await handleMgmtRequest(adminActor(admin.user_id), {
      method: "PATCH",
      segments: ["users", blocked.userId],
      query: new URLSearchParams(),
      contentType: "application/json",
      body: jsonBody({ blocked: true }),
    });
    expect(patch.status).toBe(200);
    expect(await blockedBrowser.whoami(portal.origin)).toBeNull();

    const removal = await handleMgmtRequest(adminActor(admin.user_id), {
      method: "DELETE",
      segments: ["users", deleted.userId],
      query: new URLSearchParams(),
      contentType: null,
      body: null,
    });
    expect(removal.status).toBe(204);
    expect(await deletedBrowser.whoami(portal.origin)).toBeNull();
  });
});

describe("seeing and ending sessions", () => {
  it("a person lists their sessions and ends another device's; an admin ends all of someone's", async () => {
    const person = await newUser("devices");
    const laptop = await signedIn(person.email);
    const phone = await signedIn(person.email);
    const laptopSession = (await laptop.whoami(portal.origin))!.sessionId;
    const phoneSession = (await phone.whoami(portal.origin))!.sessionId;

    const listed = await listMySessions(personActor(person.userId), laptopSession);
    expect(listed.map((session) => [session.id, session.current]).sort()).toEqual(
      [
        [laptopSession, true],
        [phoneSession, false],
      ].sort(),
    );

    // Someone else cannot end them, even knowing the id.
    const stranger = await endMySession({ sessionId: phoneSession! }, personActor("auth0|stranger")).catch(
      (error: unknown) => error,
    );
    expect(isAppError(stranger, "not_found")).toBe(true);
    expect((await phone.whoami(portal.origin))?.userId).toBe(person.userId);

    expect(await tenantSessionsOf(person.userId)).toHaveLength(2);

    await endMySession({ sessionId: phoneSession! }, personActor(person.userId));
    expect(await phone.whoami(portal.origin)).toBeNull();
    expect((await laptop.whoami(portal.origin))?.userId).toBe(person.userId);
    // The phone's Auth0 login session ended with it (ADR 043); the laptop's is left.
    const [laptopTenantSession] = await tenantSessionsOf(person.userId);
    const laptopRow = await db().portalSession.findUnique({ where: { id: laptopSession! } });
    expect(laptopTenantSession?.id).toBe(laptopRow?.auth0Sid);

    const result = await endSessionsOf({ user: person.email }, adminActor(admin.user_id));
    expect(result).toEqual({ userId: person.userId, ended: 1 });
    expect(await laptop.whoami(portal.origin)).toBeNull();
    // Not awaited by the use case (it runs in the transaction): it follows at once.
    await vi.waitFor(async () => expect(await tenantSessionsOf(person.userId)).toEqual([]));
    const logged = await readAdminChanges(["session.end"]);
    expect(logged.map((change) => [change.target, change.before])).toContainEqual([person.userId, { sessions: 1 }]);
  });
});

describe("session lifetimes", () => {
  it("a staff session ends after 30 idle minutes; a person's does not idle but ends after three days", async () => {
    const staff = await newUser("idle", ["compliance"]);
    const person = await newUser("idleperson");
    const staffBrowser = await signedIn(staff.email);
    const personBrowser = await signedIn(person.email);

    clockForward(29 * 60_000);
    expect((await staffBrowser.whoami(portal.origin))?.userId).toBe(staff.userId);
    clockForward(31 * 60_000);
    expect(await staffBrowser.whoami(portal.origin)).toBeNull();
    expect((await personBrowser.whoami(portal.origin))?.userId).toBe(person.userId);
    clockForward(3 * 24 * 3600_000);
    expect(await personBrowser.whoami(portal.origin)).toBeNull();
  });

  it("an active staff session still ends 12 hours after sign-in", async () => {
    const staff = await newUser("absolute", ["compliance"]);
    const browser = await signedIn(staff.email);
    // Active every 25 minutes: never idle, yet the 12 hours count from sign-in.
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      clockForward(25 * 60_000);
      expect((await browser.whoami(portal.origin))?.userId).toBe(staff.userId);
    }
    clockForward(25 * 60_000);
    expect(await browser.whoami(portal.origin)).toBeNull();
  });
});
