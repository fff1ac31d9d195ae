// Auth0's password reset: POST /dbconnections/change_password (the same answer whether or not the
// account exists), the email with its link, the page that sets the new password under the policy,
// one use per link, expiry, the login page's "Forgot password?", and Management API tickets.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DATABASE_CONNECTION } from "./store.js";
import { USER_BLOCK_THRESHOLD } from "./brute-force.js";
import { RESET_EMAIL_SENT } from "./password-reset.js";
import {
  APP,
  loginThroughBrowserFlow,
  readMailbox,
  startTestTenant,
  TEST_PASSWORD,
  type TestTenant,
} from "../test/emulator.js";

const NEW_PASSWORD = "Another-str0ng-one";
let tenant: TestTenant;
beforeEach(async () => {
  tenant = await startTestTenant();
});
afterEach(async () => {
  vi.useRealTimers();
  await tenant.close();
});

function changePassword(body: Record<string, unknown>) {
  return fetch(`${tenant.origin}/dbconnections/change_password`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function requestReset(email: string): Promise<string> {
  const response = await changePassword({ client_id: APP.clientId, email, connection: DATABASE_CONNECTION });
  expect(response.status).toBe(200);
  expect(await response.json()).toBe(RESET_EMAIL_SENT);
  const messages = await readMailbox(tenant.origin, email.toLowerCase());
  const reset = messages.filter((message) => message.subject === "Reset your password").at(-1);
  expect(reset?.links).toHaveLength(1);
  return reset!.links[0]!;
}

function submitNewPassword(link: string, password: string, confirmPassword = password) {
  return fetch(link, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ password, confirmPassword }),
  });
}

describe("change_password", () => {
  it("answers the same for an unknown address and sends nothing; for a known one it emails a link", async () => {
    const unknown = await changePassword({
      client_id: APP.clientId,
      email: "nobody@example.com",
      connection: DATABASE_CONNECTION,
    });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toBe(RESET_EMAIL_SENT);
    expect(await readMailbox(tenant.origin, "nobody@example.com")).toEqual([]);

    await tenant.createUser("ada@example.com");
    const link = await requestReset("Ada@Example.com");
    expect(link).toMatch(new RegExp(`^${tenant.origin}/u/reset-password\\?ticket=[\\w-]+#$`));
  });

  it("refuses a request without client_id, email or connection, or with an unknown client or connection", async () => {
    for (const body of [
      { email: "ada@example.com", connection: DATABASE_CONNECTION },
      { client_id: APP.clientId, connection: DATABASE_CONNECTION },
      { client_id: APP.clientId, email: "ada@example.com" },
      { client_id: "nope", email: "ada@example.com", connection: DATABASE_CONNECTION },
      { client_id: APP.clientId, email: "ada@example.com", connection: "other" },
    ]) {
      const response = await changePassword(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, name: "BadRequestError" });
    }
  });
});

describe("the reset link", () => {
  it("sets a new password that meets the policy, once; the old password stops working", async () => {
    await tenant.createUser("ada@example.com");
    const link = await requestReset("ada@example.com");
    const form = await fetch(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("Change your password");

    const weak = await submitNewPassword(link, "password");
    expect(weak.status).toBe(400);
    expect(await weak.text()).toMatch(/role="alert"/);
    const mismatch = await submitNewPassword(link, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("The passwords do not match.");

    const done = await submitNewPassword(link, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your password has been changed successfully.");
    expect((await loginThroughBrowserFlow(tenant, "ada@example.com", TEST_PASSWORD)).formStatus).toBe(401);
    expect((await loginThroughBrowserFlow(tenant, "ada@example.com", NEW_PASSWORD)).callback).toBeDefined();

    const again = await submitNewPassword(link, "Yet-an0ther-password");
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("already been used");
    expect((await fetch(`${tenant.origin}/u/reset-password?ticket=made-up`)).status).toBe(400);
  });

  it("is refused after five days", async () => {
    await tenant.createUser("ada@example.com");
    const link = await requestReset("ada@example.com");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 432_001_000);
    const expired = await submitNewPassword(link, NEW_PASSWORD);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain("expired");
    vi.useRealTimers();
    expect((await loginThroughBrowserFlow(tenant, "ada@example.com", TEST_PASSWORD)).callback).toBeDefined();
  });

  it("lifts a brute-force block", async () => {
    await tenant.createUser("ada@example.com");
    for (let attempt = 0; attempt < USER_BLOCK_THRESHOLD; attempt += 1) {
      await loginThroughBrowserFlow(tenant, "ada@example.com", `wrong-${attempt}`);
    }
    expect((await loginThroughBrowserFlow(tenant, "ada@example.com", TEST_PASSWORD)).formStatus).toBe(429);
    expect((await submitNewPassword(await requestReset("ada@example.com"), NEW_PASSWORD)).status).toBe(200);
    expect((await loginThroughBrowserFlow(tenant, "ada@example.com", NEW_PASSWORD)).callback).toBeDefined();
  });
});

describe("the login page", () => {
  it("links to a form that sends the reset email, with the same words whether or not the account exists", async () => {
    await tenant.createUser("ada@example.com");
    const login = await loginThroughBrowserFlow(tenant, "ada@example.com", "wrong");
    const href = /<a href="([^"]+)">Forgot password\?<\/a>/.exec(login.loginPageHtml)?.[1];
    expect(href).toMatch(/^\/u\/reset-password\/request\?login=[\w-]+$/);
    const requestPage = new URL(href!.replaceAll("&amp;", "&"), tenant.origin).toString();
    expect(await (await fetch(requestPage)).text()).toContain("Forgot your password?");
    for (const email of ["ada@example.com", "nobody@example.com"]) {
      const sent = await fetch(requestPage, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email }),
      });
      expect(sent.status).toBe(200);
      expect(await sent.text()).toContain(RESET_EMAIL_SENT.replace("'", "&#39;"));
    }
    expect(await readMailbox(tenant.origin, "ada@example.com")).toHaveLength(1);
    expect(await readMailbox(tenant.origin, "nobody@example.com")).toEqual([]);
  });
});

describe("POST /api/v2/tickets/password-change", () => {
  it("answers a link for a user (by id, or by email and connection) that redirects to result_url", async () => {
    const ada = await tenant.createUser("ada@example.com");
    const created = await tenant.api<{ ticket: string }>("POST", "/api/v2/tickets/password-change", {
      body: { user_id: ada.user_id, result_url: "http://localhost:3999/done", mark_email_as_verified: true },
    });
    expect(created.status).toBe(201);
    const done = await fetch(created.body.ticket, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    });
    expect(done.status).toBe(302);
    expect(new URL(done.headers.get("location")!).searchParams.get("success")).toBe("true");
    const user = await tenant.api<{ email_verified: boolean }>(
      "GET",
      `/api/v2/users/${encodeURIComponent(ada.user_id)}`,
    );
    expect(user.body.email_verified).toBe(true);

    const connections = await tenant.api<Array<{ id: string }>>("GET", "/api/v2/connections");
    const byEmail = await tenant.api("POST", "/api/v2/tickets/password-change", {
      body: { email: "ada@example.com", connection_id: connections.body[0]!.id },
    });
    expect(byEmail.status).toBe(201);
  });

  it("answers 404 for an unknown user and 400 for a body naming no user", async () => {
    const unknown = await tenant.api("POST", "/api/v2/tickets/password-change", {
      body: { user_id: "auth0|000000000000000000000000" },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, errorCode: "inexistent_user" });
    expect((await tenant.api("POST", "/api/v2/tickets/password-change", { body: {} })).status).toBe(400);
    expect((await tenant.api("POST", "/api/v2/tickets/password-change", { body: { nope: 1 } })).status).toBe(400);
  });
});
