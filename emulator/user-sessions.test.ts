// Contract tests for Auth0's session endpoints (GET/DELETE /api/v2/users/{id}/sessions, DELETE
// /api/v2/sessions/{id}): a deleted login session no longer signs the browser in without a password.
import { describe, expect, it } from "vitest";
import {
  loginThroughBrowserFlow,
  MGMT,
  signInAgain,
  tenantForEachTest,
  TEST_PASSWORD,
  type TestTenant,
} from "../test/emulator.js";

let tenant: TestTenant;
tenantForEachTest({}, (started) => (tenant = started));

const sessionsPath = (userId: string, query = "") => `/api/v2/users/${encodeURIComponent(userId)}/sessions${query}`;

interface SessionsPage {
  sessions: Array<{ id: string; user_id: string; clients: Array<{ client_id: string }>; authenticated_at: string }>;
  next?: string;
}

async function signedInBrowser(email: string) {
  const login = await loginThroughBrowserFlow(tenant, email, TEST_PASSWORD);
  expect(login.callback?.searchParams.has("code")).toBe(true);
  return login.jar;
}

describe("a user's login sessions", () => {
  it("lists each browser's session, and deleting them all makes every browser ask for the password", async () => {
    const ada = await tenant.createUser("ada@example.com");
    const bob = await tenant.createUser("bob@example.com");
    const laptop = await signedInBrowser("ada@example.com");
    const phone = await signedInBrowser("ada@example.com");
    const bobs = await signedInBrowser("bob@example.com");
    expect(await signInAgain(tenant, laptop)).toBe("signed in");

    const listed = await tenant.api<SessionsPage>("GET", sessionsPath(ada.user_id));
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    for (const session of listed.body.sessions) {
      expect(session.user_id).toBe(ada.user_id);
      expect(session.clients.map((client) => typeof client.client_id)).toEqual(["string"]);
      expect(Date.parse(session.authenticated_at)).toBeGreaterThan(Date.now() - 60_000);
    }

    const deleted = await tenant.api("DELETE", sessionsPath(ada.user_id));
    expect(deleted.status).toBe(202);
    expect(await signInAgain(tenant, laptop)).toBe("login page");
    expect(await signInAgain(tenant, phone)).toBe("login page");
    expect((await tenant.api<SessionsPage>("GET", sessionsPath(ada.user_id))).body).toEqual({ sessions: [] });
    // Someone else's session is not touched.
    expect(await signInAgain(tenant, bobs)).toBe("signed in");
    expect((await tenant.api<SessionsPage>("GET", sessionsPath(bob.user_id))).body.sessions).toHaveLength(1);
    // Deleting when there are none is accepted too, and signing in with the password works again.
    expect((await tenant.api("DELETE", sessionsPath(ada.user_id))).status).toBe(202);
    await signedInBrowser("ada@example.com");
  });

  it("deletes one session by its id, the sid of the browser's ID tokens, and leaves the others", async () => {
    const ada = await tenant.createUser("ada@example.com");
    const laptop = await signedInBrowser("ada@example.com");
    const first = (await tenant.api<SessionsPage>("GET", sessionsPath(ada.user_id))).body.sessions[0]!;
    const phone = await signedInBrowser("ada@example.com");

    expect((await tenant.api("DELETE", `/api/v2/sessions/${encodeURIComponent(first.id)}`)).status).toBe(202);
    expect(await signInAgain(tenant, laptop)).toBe("login page");
    expect(await signInAgain(tenant, phone)).toBe("signed in");
    const gone = await tenant.api("DELETE", `/api/v2/sessions/${encodeURIComponent(first.id)}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ statusCode: 404, error: "Not Found", errorCode: "session_not_found" });
  });

  it("pages with take and the next checkpoint", async () => {
    const ada = await tenant.createUser("ada@example.com");
    for (let browser = 0; browser < 3; browser += 1) await signedInBrowser("ada@example.com");
    const first = await tenant.api<SessionsPage>("GET", sessionsPath(ada.user_id, "?take=2"));
    expect(first.body.sessions).toHaveLength(2);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await tenant.api<SessionsPage>("GET", sessionsPath(ada.user_id, `?take=2&from=${first.body.next}`));
    expect(second.body.sessions).toHaveLength(1);
    expect(second.body.next).toBeUndefined();
    const ids = [...first.body.sessions, ...second.body.sessions].map((session) => session.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("answers Auth0's errors: unknown user 404, bad id 400, missing scope 403, unknown parameter 400", async () => {
    const ada = await tenant.createUser("ada@example.com");
    const unknown = await tenant.api("DELETE", sessionsPath("auth0|000000000000000000000000"));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, errorCode: "inexistent_user" });
    expect((await tenant.api("GET", sessionsPath("auth0|000000000000000000000000"))).status).toBe(404);
    expect((await tenant.api("GET", sessionsPath("no-pipe"))).status).toBe(400);

    const readOnly = await tenant.emulator.managementTokens.sign(MGMT.clientId, ["read:users", "read:sessions"]);
    expect((await tenant.api("GET", sessionsPath(ada.user_id), { token: readOnly })).status).toBe(200);
    const refused = await tenant.api("DELETE", sessionsPath(ada.user_id), { token: readOnly });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      statusCode: 403,
      errorCode: "insufficient_scope",
      message: "Insufficient scope, expected any of: delete:sessions",
    });
    const noRead = await tenant.emulator.managementTokens.sign(MGMT.clientId, ["read:users"]);
    expect((await tenant.api("GET", sessionsPath(ada.user_id), { token: noRead })).status).toBe(403);
    expect((await tenant.api("GET", sessionsPath(ada.user_id, "?page=1"))).status).toBe(400);
  });
});
