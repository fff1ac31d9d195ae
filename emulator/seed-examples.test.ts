// Every example in the Auth0 pages the project was seeded with (shared/seeds/), replayed
// against the emulator through plain HTTP and through the official SDK's ManagementClient.
// Each test starts its own tenant, so the examples do not depend on one another.
import { describe, expect, it } from "vitest";
import { DELETED_USER_MESSAGE } from "./login-page.js";
import { DATABASE_CONNECTION } from "./store.js";
import { APP, loginThroughBrowserFlow, tenantForEachTest, TEST_PASSWORD, type TestTenant } from "../test/emulator.js";

const JANE = "jane.doe@example.com";
const HOME = "123 Main Street, Anytown, ST 12345";
const WORK = "100 Industrial Way, Anytown, ST 12345";
const CONSENT = { given: true, date: "01/23/2018", text_details: "some-url" };

type User = Record<string, unknown> & { user_id: string };

let tenant: TestTenant;
tenantForEachTest({}, (started) => (tenant = started));

const userPath = (userId: string, query = "") => `/api/v2/users/${encodeURIComponent(userId)}${query}`;

async function patchUser(userId: string, body: unknown): Promise<User> {
  const response = await tenant.api<User>("PATCH", userPath(userId), { body });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

describe("seed: Manage Metadata Using the Management API (plain HTTP)", () => {
  it("creates Jane Doe with user_metadata.hobby and app_metadata.plan", async () => {
    // The page's body, plus what a database connection requires (see the next test).
    const response = await tenant.api<User>("POST", "/api/v2/users", {
      body: {
        email: JANE,
        user_metadata: { hobby: "surfing" },
        app_metadata: { plan: "full" },
        connection: DATABASE_CONNECTION,
        password: TEST_PASSWORD,
      },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      email: JANE,
      user_metadata: { hobby: "surfing" },
      app_metadata: { plan: "full" },
    });
    expect(response.body.user_id).toMatch(/^auth0\|/);
    expect(response.body).not.toHaveProperty("password");
    expect(response.body).not.toHaveProperty("password_hash");
  });

  it("refuses the page's create body as printed: Auth0 requires `connection` (and a password for a database connection)", async () => {
    const response = await tenant.api("POST", "/api/v2/users", {
      body: { email: JANE, user_metadata: { hobby: "surfing" }, app_metadata: { plan: "full" } },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "Payload validation error: 'Missing required property: connection'.",
      errorCode: "invalid_body",
    });
  });

  it("adds addresses.home as a second-level property; the profile then appears as documented", async () => {
    const jane = await tenant.createUser(JANE, { user_metadata: { hobby: "surfing" }, app_metadata: { plan: "full" } });
    const updated = await patchUser(jane.user_id, { user_metadata: { addresses: { home: HOME } } });
    expect(updated).toMatchObject({
      email: JANE,
      user_metadata: { hobby: "surfing", addresses: { home: HOME } },
      app_metadata: { plan: "full" },
    });
    expect(updated.user_metadata).toEqual({ hobby: "surfing", addresses: { home: HOME } });
    expect(updated.app_metadata).toEqual({ plan: "full" });
  });

  it("merges only root properties: adding work means sending addresses whole (home + work)", async () => {
    const jane = await tenant.createUser(JANE, { user_metadata: { hobby: "surfing", addresses: { home: HOME } } });
    const both = await patchUser(jane.user_id, { user_metadata: { addresses: { home: HOME, work: WORK } } });
    expect(both.user_metadata).toEqual({ hobby: "surfing", addresses: { home: HOME, work: WORK } });

    // The other side of the rule: a nested object sent alone replaces the stored one.
    const workOnly = await patchUser(jane.user_id, { user_metadata: { addresses: { work: WORK } } });
    expect(workOnly.user_metadata).toEqual({ hobby: "surfing", addresses: { work: WORK } });
  });

  it("deletes a property set to null ({user_metadata: {color: null}})", async () => {
    const jane = await tenant.createUser(JANE, { user_metadata: { hobby: "surfing", color: "blue" } });
    const updated = await patchUser(jane.user_id, { user_metadata: { color: null } });
    expect(updated.user_metadata).toEqual({ hobby: "surfing" });
    const fetched = await tenant.api<User>("GET", userPath(jane.user_id));
    expect(fetched.body.user_metadata).toEqual({ hobby: "surfing" });
  });

  it("removes user_metadata completely when patched with {}", async () => {
    const jane = await tenant.createUser(JANE, { user_metadata: { hobby: "surfing" }, app_metadata: { plan: "full" } });
    const updated = await patchUser(jane.user_id, { user_metadata: {} });
    expect(updated).not.toHaveProperty("user_metadata");
    expect(updated.app_metadata).toEqual({ plan: "full" });
  });

  it("removes app_metadata completely when patched with {}", async () => {
    const jane = await tenant.createUser(JANE, { user_metadata: { hobby: "surfing" }, app_metadata: { plan: "full" } });
    const updated = await patchUser(jane.user_id, { app_metadata: {} });
    expect(updated).not.toHaveProperty("app_metadata");
    expect(updated.user_metadata).toEqual({ hobby: "surfing" });
    const fetched = await tenant.api<User>("GET", userPath(jane.user_id, "?fields=app_metadata"));
    expect(fetched.body).toEqual({});
  });

  it("client metadata: {mycolor: blue} merges into {mycolor: red, myflavor: grape}; null deletes; {} clears", async () => {
    const client = await tenant.api("PATCH", `/api/v2/clients/${APP.clientId}`, {
      body: { client_metadata: { mycolor: "red", myflavor: "grape" } },
    });
    expect(client.status).toBe(200);
    const after = await tenant.api<{ name: string; client_metadata: unknown }>(
      "PATCH",
      `/api/v2/clients/${APP.clientId}`,
      {
        body: { client_metadata: { mycolor: "blue" } },
      },
    );
    expect(after.status).toBe(200);
    expect(after.body.name).toBe(APP.name);
    expect(after.body.client_metadata).toEqual({ mycolor: "blue", myflavor: "grape" });

    const read = await tenant.api<{ client_metadata: unknown }>("GET", `/api/v2/clients/${APP.clientId}`);
    expect(read.body.client_metadata).toEqual({ mycolor: "blue", myflavor: "grape" });

    const deleted = await tenant.api<{ client_metadata: unknown }>("PATCH", `/api/v2/clients/${APP.clientId}`, {
      body: { client_metadata: { mycolor: null } },
    });
    expect(deleted.body.client_metadata).toEqual({ myflavor: "grape" });
    const cleared = await tenant.api<{ client_metadata: unknown }>("PATCH", `/api/v2/clients/${APP.clientId}`, {
      body: { client_metadata: {} },
    });
    expect(cleared.body.client_metadata).toEqual({});
  });
});

describe("seed: GDPR Conditions for Consent (plain HTTP)", () => {
  it("updates a root property: consentDate is merged next to consentGiven and consentDetails", async () => {
    const user = await tenant.createUser(JANE, { user_metadata: { consentGiven: true, consentDetails: "some-url" } });
    const updated = await patchUser(user.user_id, { user_metadata: { consentDate: "01/24/2018" } });
    // The page sends "01/24/2018" and then prints "01/23/2018" in the result; the stored value
    // is, of course, the one sent.
    expect(updated.user_metadata).toEqual({
      consentGiven: true,
      consentDate: "01/24/2018",
      consentDetails: "some-url",
    });
  });

  it("updates an inner property: the whole consent object must be sent, and replaces the stored one", async () => {
    const user = await tenant.createUser(JANE, {
      user_metadata: { consent: { given: true, text_details: "some-url" } },
    });
    const updated = await patchUser(user.user_id, { user_metadata: { consent: CONSENT } });
    expect(updated.user_metadata).toEqual({ consent: CONSENT });

    // "If you do not include the entire object, Auth0 will remove your existing properties."
    const partial = await patchUser(user.user_id, { user_metadata: { consent: { date: "02/01/2018" } } });
    expect(partial.user_metadata).toEqual({ consent: { date: "02/01/2018" } });
  });

  it("searches by email with fields=user_metadata: only user_metadata comes back", async () => {
    await tenant.createUser(JANE, { user_metadata: { consent: CONSENT }, app_metadata: { plan: "full" } });
    const response = await tenant.api(
      "GET",
      `/api/v2/users-by-email?email=${encodeURIComponent(JANE)}&fields=user_metadata`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual([{ user_metadata: { consent: CONSENT } }]);
  });

  it("reproduces the sample response [{}, {user_metadata}]: a user without metadata projects to {}", async () => {
    // users-by-email returns one user per connection; this tenant has one connection, so the
    // two-element sample is reproduced with a search over two users instead.
    await tenant.createUser("no.metadata@example.com");
    await tenant.createUser(JANE, { user_metadata: { consent: CONSENT } });
    const byEmail = await tenant.api(
      "GET",
      `/api/v2/users-by-email?email=no.metadata%40example.com&fields=user_metadata`,
    );
    expect(byEmail.body).toEqual([{}]);
    const search = await tenant.api(
      "GET",
      `/api/v2/users?q=${encodeURIComponent("email.domain:example.com")}&fields=user_metadata&sort=created_at:1`,
    );
    expect(search.status).toBe(200);
    expect(search.body).toEqual([{}, { user_metadata: { consent: CONSENT } }]);
  });

  it("gets a user by id with fields=user_metadata (the id URL-encoded, as in the sample)", async () => {
    const user = await tenant.createUser(JANE, { user_metadata: { consent: CONSENT } });
    const response = await tenant.api("GET", userPath(user.user_id, "?fields=user_metadata"));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ user_metadata: { consent: CONSENT } });
  });

  it("deletes a user (empty 204), then confirms by email: the user is gone", async () => {
    const user = await tenant.createUser(JANE, { user_metadata: { consent: CONSENT } });
    const deleted = await tenant.api("DELETE", userPath(user.user_id));
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    // The page says "if the endpoint returns an error" the delete worked; users-by-email in
    // fact answers 200 with no match, and the user's own URL answers 404.
    const byEmail = await tenant.api("GET", `/api/v2/users-by-email?email=${encodeURIComponent(JANE)}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.body).toEqual([]);
    const byId = await tenant.api("GET", userPath(user.user_id));
    expect(byId.status).toBe(404);
    expect(byId.body).toMatchObject({
      statusCode: 404,
      errorCode: "inexistent_user",
      message: "The user does not exist.",
    });
  });

  it("flags a user as deleted ({app_metadata: {deleted: true}}) and the login then fails", async () => {
    const user = await tenant.createUser(JANE, { app_metadata: { plan: "full" } });
    const before = await loginThroughBrowserFlow(tenant, JANE, TEST_PASSWORD);
    expect(before.callback?.searchParams.get("code")).toBeTruthy();

    const flagged = await patchUser(user.user_id, { app_metadata: { deleted: true } });
    expect(flagged.app_metadata).toEqual({ plan: "full", deleted: true });

    const after = await loginThroughBrowserFlow(tenant, JANE, TEST_PASSWORD);
    expect(after.callback).toBeDefined();
    expect(`${after.callback?.origin}${after.callback?.pathname}`).toBe(`${APP.baseUrl}/auth/callback`);
    expect(after.callback?.searchParams.get("error")).toBe("unauthorized");
    expect(after.callback?.searchParams.get("error_description")).toBe(DELETED_USER_MESSAGE);
    expect(after.callback?.searchParams.get("error_description")).toBe("Access denied (deleted user)");
    expect(after.callback?.searchParams.get("state")).toBe("state-123");
    expect(after.callback?.searchParams.has("code")).toBe(false);
  });

  it("finds the connection id by name for an export (GET /connections?name=)", async () => {
    const response = await tenant.api<Array<{ id: string; name: string; strategy: string }>>(
      "GET",
      `/api/v2/connections?name=${DATABASE_CONNECTION}`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(1);
    expect(response.body[0]).toMatchObject({ name: DATABASE_CONNECTION, strategy: "auth0" });
    expect(response.body[0]?.id).toMatch(/^con_[A-Za-z0-9]{16}$/);
  });
});

describe("seed examples through the official SDK (ManagementClient)", () => {
  it("creates Jane Doe, adds addresses.home, then home + work, as the metadata page shows", async () => {
    const management = tenant.managementClient();
    const jane = await management.users.create({
      email: JANE,
      user_metadata: { hobby: "surfing" },
      app_metadata: { plan: "full" },
      connection: DATABASE_CONNECTION,
      password: TEST_PASSWORD,
    });
    expect(jane).toMatchObject({ email: JANE, user_metadata: { hobby: "surfing" }, app_metadata: { plan: "full" } });
    const userId = String(jane.user_id);

    const home = await management.users.update(userId, { user_metadata: { addresses: { home: HOME } } });
    expect(home.user_metadata).toEqual({ hobby: "surfing", addresses: { home: HOME } });
    expect(home.app_metadata).toEqual({ plan: "full" });

    const both = await management.users.update(userId, { user_metadata: { addresses: { home: HOME, work: WORK } } });
    expect(both.user_metadata).toEqual({ hobby: "surfing", addresses: { home: HOME, work: WORK } });
  });

  it("deletes with null, clears with {} (user_metadata and app_metadata)", async () => {
    const management = tenant.managementClient();
    const jane = await tenant.createUser(JANE, {
      user_metadata: { hobby: "surfing", color: "blue" },
      app_metadata: { plan: "full" },
    });
    const withoutColor = await management.users.update(jane.user_id, { user_metadata: { color: null } });
    expect(withoutColor.user_metadata).toEqual({ hobby: "surfing" });
    const noUserMetadata = await management.users.update(jane.user_id, { user_metadata: {} });
    expect(noUserMetadata.user_metadata).toBeUndefined();
    const noAppMetadata = await management.users.update(jane.user_id, { app_metadata: {} });
    expect(noAppMetadata.app_metadata).toBeUndefined();
  });

  it("GDPR: root merge of consentDate, then inner consent replacement", async () => {
    const management = tenant.managementClient();
    const user = await tenant.createUser(JANE, { user_metadata: { consentGiven: true, consentDetails: "some-url" } });
    const merged = await management.users.update(user.user_id, { user_metadata: { consentDate: "01/24/2018" } });
    expect(merged.user_metadata).toEqual({ consentGiven: true, consentDate: "01/24/2018", consentDetails: "some-url" });

    const inner = await management.users.update(user.user_id, {
      user_metadata: { consentGiven: null, consentDate: null, consentDetails: null, consent: CONSENT },
    });
    expect(inner.user_metadata).toEqual({ consent: CONSENT });
  });

  it("GDPR: users-by-email and get-by-id with fields=user_metadata", async () => {
    const management = tenant.managementClient();
    const user = await tenant.createUser(JANE, { user_metadata: { consent: CONSENT } });
    const byEmail = await management.users.listUsersByEmail({ email: JANE, fields: "user_metadata" });
    expect(byEmail).toEqual([{ user_metadata: { consent: CONSENT } }]);
    const byId = await management.users.get(user.user_id, { fields: "user_metadata" });
    expect(byId).toEqual({ user_metadata: { consent: CONSENT } });
  });

  it("GDPR: delete, then the email finds nobody and the id is a 404", async () => {
    const management = tenant.managementClient();
    const user = await tenant.createUser(JANE);
    await management.users.delete(user.user_id);
    expect(await management.users.listUsersByEmail({ email: JANE })).toEqual([]);
    await expect(management.users.get(user.user_id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("GDPR: flag as deleted through the SDK, and the login is refused", async () => {
    const management = tenant.managementClient();
    const user = await tenant.createUser(JANE);
    const flagged = await management.users.update(user.user_id, { app_metadata: { deleted: true } });
    expect(flagged.app_metadata).toEqual({ deleted: true });
    const login = await loginThroughBrowserFlow(tenant, JANE, TEST_PASSWORD);
    expect(login.callback?.searchParams.get("error_description")).toBe("Access denied (deleted user)");
  });

  it("client metadata merge through clients.update / clients.get", async () => {
    const management = tenant.managementClient();
    await management.clients.update(APP.clientId, { client_metadata: { mycolor: "red", myflavor: "grape" } });
    const updated = await management.clients.update(APP.clientId, { client_metadata: { mycolor: "blue" } });
    expect(updated.client_metadata).toEqual({ mycolor: "blue", myflavor: "grape" });
    const read = await management.clients.get(APP.clientId);
    expect(read.client_metadata).toEqual({ mycolor: "blue", myflavor: "grape" });
  });

  it("connections.list by name gives the connection id for an export", async () => {
    const management = tenant.managementClient();
    const page = await management.connections.list({ name: DATABASE_CONNECTION });
    expect(page.data.map((connection) => connection.name)).toEqual([DATABASE_CONNECTION]);
    expect(page.data[0]?.id).toMatch(/^con_[A-Za-z0-9]{16}$/);
  });
});
