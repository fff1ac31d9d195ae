// Contract tests for /api/v2: behaviour beyond the seed examples, and every bad input with
// the error Auth0 gives for it ({ statusCode, error, message, errorCode }).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { DATABASE_CONNECTION, TenantStore, type StoredUser } from "./store.js";
import {
  APP,
  loginThroughBrowserFlow,
  MGMT,
  READER,
  startTestTenant,
  tenantForEachTest,
  TEST_PASSWORD,
  type TestTenant,
} from "../test/emulator.js";

type User = Record<string, unknown> & { user_id: string };

let tenant: TestTenant;
tenantForEachTest({ metadataLimitBytes: 2048 }, (started) => (tenant = started));

const userPath = (userId: string, query = "") => `/api/v2/users/${encodeURIComponent(userId)}${query}`;

function expectError(
  response: { status: number; body: unknown },
  status: number,
  errorCode: string,
  message?: string | RegExp,
) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ statusCode: status, errorCode });
  const body = response.body as { error: unknown; message: unknown };
  expect(typeof body.error).toBe("string");
  expect(typeof body.message).toBe("string");
  if (typeof message === "string") expect(body.message).toBe(message);
  else if (message) expect(body.message).toMatch(message);
}

/** Puts users straight into the store (no password hashing), for search and paging tests. */
function seedUsers(count: number, make: (index: number) => Partial<StoredUser> = () => ({})) {
  const base = Date.parse("2024-01-01T00:00:00.000Z");
  for (let index = 0; index < count; index += 1) {
    const created = new Date(base + index * 1000).toISOString();
    const email = `user${String(index).padStart(4, "0")}@bulk.example`;
    tenant.emulator.store.saveUser({
      user_id: TenantStore.newUserId(),
      email,
      email_verified: false,
      name: email,
      nickname: email.split("@")[0] ?? email,
      picture: "",
      created_at: created,
      updated_at: created,
      logins_count: 0,
      user_metadata: {},
      app_metadata: {},
      password_hash: "",
      ...make(index),
    });
  }
}

describe("POST /api/v2/users", () => {
  it("stores the email in lower case and fills Auth0's defaults", async () => {
    const user = await tenant.createUser("Mixed.Case@Example.COM");
    expect(user).toMatchObject({
      email: "mixed.case@example.com",
      email_verified: false,
      name: "mixed.case@example.com",
      nickname: "mixed.case",
      identities: [{ connection: DATABASE_CONNECTION, provider: "auth0", isSocial: false }],
    });
    expect(user).not.toHaveProperty("user_metadata");
    expect(typeof user.created_at).toBe("string");
  });

  it("answers 409 for an email that is taken", async () => {
    await tenant.createUser("taken@example.com");
    const again = await tenant.api("POST", "/api/v2/users", {
      body: { email: "TAKEN@example.com", password: TEST_PASSWORD, connection: DATABASE_CONNECTION },
    });
    expectError(again, 409, "auth0_idp_error", "The user already exists.");
  });

  it("rejects unknown fields, wrong types, a bad email, a missing password, a weak one and an unknown connection", async () => {
    const post = (body: unknown) => tenant.api("POST", "/api/v2/users", { body });
    const base = { email: "a@example.com", password: TEST_PASSWORD, connection: DATABASE_CONNECTION };
    expectError(
      await post({ ...base, favourite: "x" }),
      400,
      "invalid_body",
      "Payload validation error: 'Additional properties not allowed: favourite'.",
    );
    expectError(
      await post({ ...base, user_metadata: "surfing" }),
      400,
      "invalid_body",
      "Payload validation error: 'Expected type object but found type string' on property user_metadata.",
    );
    expectError(
      await post({ ...base, user_metadata: ["a"] }),
      400,
      "invalid_body",
      /Expected type object but found type array/,
    );
    expectError(await post({ ...base, email: "not-an-email" }), 400, "invalid_body", /format email: not-an-email/);
    expectError(
      await post({ email: "a@example.com", connection: DATABASE_CONNECTION }),
      400,
      "invalid_body",
      /Missing required property: password/,
    );
    expectError(
      await post({ ...base, password: "short" }),
      400,
      "invalid_body",
      "PasswordStrengthError: Password is too weak",
    );
    expectError(
      await post({ ...base, password: "alllowercaseletters" }),
      400,
      "invalid_body",
      "PasswordStrengthError: Password is too weak",
    );
    expectError(
      await post({ ...base, password: "Password1" }),
      400,
      "invalid_body",
      "PasswordDictionaryError: Password is too common",
    );
    expectError(
      await post({ ...base, connection: "elsewhere" }),
      400,
      "inexistent_connection",
      "The connection does not exist.",
    );
    expectError(await post({ ...base, username: "ada" }), 400, "operation_not_supported");
    expectError(
      await post([base]),
      400,
      "invalid_body",
      "Payload validation error: 'Expected type object but found type array'.",
    );
  });

  it("rejects a body that is not JSON, or not sent as JSON", async () => {
    expectError(
      await tenant.api("POST", "/api/v2/users", { rawBody: '{"email": "a@example.com",' }),
      400,
      "invalid_body",
      "Invalid request payload JSON format",
    );
    expectError(
      await tenant.api("POST", "/api/v2/users", {
        rawBody: JSON.stringify({ email: "a@example.com" }),
        contentType: "text/plain",
      }),
      415,
      "unsupported_media_type",
    );
    expectError(
      await tenant.api("POST", "/api/v2/users", { rawBody: "" }),
      400,
      "invalid_body",
      /Expected type object but found type null/,
    );
  });

  it("answers 413 for a body over 1 MB", async () => {
    const huge = JSON.stringify({ email: "a@example.com", user_metadata: { blob: "x".repeat(1024 * 1024) } });
    expectError(
      await tenant.api("POST", "/api/v2/users", { rawBody: huge }),
      413,
      "payload_too_large",
      /greater than maximum allowed/,
    );
  });
});

describe("GET /api/v2/users/{id}", () => {
  it("selects fields with fields/include_fields", async () => {
    const user = await tenant.createUser("ada@example.com", { user_metadata: { a: 1 }, app_metadata: { b: 2 } });
    const only = await tenant.api<User>("GET", userPath(user.user_id, "?fields=email,user_id"));
    expect(only.body).toEqual({ email: "ada@example.com", user_id: user.user_id });
    const except = await tenant.api<User>(
      "GET",
      userPath(user.user_id, "?fields=user_metadata,app_metadata,identities&include_fields=false"),
    );
    expect(except.body).not.toHaveProperty("user_metadata");
    expect(except.body).not.toHaveProperty("app_metadata");
    expect(except.body).not.toHaveProperty("identities");
    expect(except.body.email).toBe("ada@example.com");
  });

  it("answers 404 for an unknown user and 400 for a malformed id or query", async () => {
    expectError(
      await tenant.api("GET", userPath("auth0|000000000000000000000000")),
      404,
      "inexistent_user",
      "The user does not exist.",
    );
    expectError(
      await tenant.api("GET", userPath("not-a-user-id")),
      400,
      "invalid_uri",
      /Path validation error: 'String does not match pattern/,
    );
    expectError(await tenant.api("GET", "/api/v2/users/auth0%7C%E0%A4%A"), 400, "invalid_uri", /percent-encoding/);
    const user = await tenant.createUser("ada@example.com");
    expectError(
      await tenant.api("GET", userPath(user.user_id, "?include_fields=maybe")),
      400,
      "invalid_query_string",
      /include_fields/,
    );
    expectError(
      await tenant.api("GET", userPath(user.user_id, "?colour=red")),
      400,
      "invalid_query_string",
      /Additional properties not allowed: colour/,
    );
  });
});

describe("PATCH /api/v2/users/{id}", () => {
  it("changes profile fields and the password (which then works at login)", async () => {
    const user = await tenant.createUser("ada@example.com");
    const updated = await tenant.api<User>("PATCH", userPath(user.user_id), {
      body: {
        name: "Ada Lovelace",
        given_name: "Ada",
        family_name: "Lovelace",
        blocked: false,
        password: "An0ther-good-one",
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: "Ada Lovelace",
      given_name: "Ada",
      family_name: "Lovelace",
      blocked: false,
    });
    expect(Date.parse(String(updated.body.updated_at))).toBeGreaterThanOrEqual(Date.parse(String(user.updated_at)));
    const oldPassword = await loginThroughBrowserFlow(tenant, "ada@example.com", TEST_PASSWORD);
    expect(oldPassword.formStatus).toBe(401);
    const newPassword = await loginThroughBrowserFlow(tenant, "ada@example.com", "An0ther-good-one");
    expect(newPassword.callback?.searchParams.get("code")).toBeTruthy();
  });

  it("lower-cases a new email and refuses one that is taken", async () => {
    const ada = await tenant.createUser("ada@example.com");
    await tenant.createUser("grace@example.com");
    const moved = await tenant.api<User>("PATCH", userPath(ada.user_id), { body: { email: "Ada.L@Example.com" } });
    expect(moved.body.email).toBe("ada.l@example.com");
    expectError(
      await tenant.api("PATCH", userPath(ada.user_id), { body: { email: "grace@example.com" } }),
      409,
      "email_conflict",
    );
  });

  it("rejects field names with '.' or '$' at any depth, in user_metadata and app_metadata", async () => {
    const user = await tenant.createUser("ada@example.com");
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { user_metadata: { "preference.color": "pink" } } }),
      400,
      "invalid_body",
      'Fields with "." are not allowed, please remove all dotted fields. Example: preference.color',
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), {
        body: { user_metadata: { preference: { "https://x.example/c": 1 } } },
      }),
      400,
      "invalid_body",
      /Fields with "\." are not allowed/,
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { app_metadata: { list: [{ $where: "1" }] } } }),
      400,
      "invalid_body",
      /Fields with "\$" are not allowed.*Example: \$where/,
    );
    // A dot inside a value is fine, as Auth0's naming rules say.
    const ok = await tenant.api<User>("PATCH", userPath(user.user_id), {
      body: { user_metadata: { preference: "light.blue" } },
    });
    expect(ok.body.user_metadata).toEqual({ preference: "light.blue" });
  });

  it("refuses Auth0's reserved app_metadata fields", async () => {
    const user = await tenant.createUser("ada@example.com");
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { app_metadata: { email: "x" } } }),
      400,
      "invalid_body",
      /reserved/,
    );
  });

  it("enforces the metadata size limit, also when it is reached by merging", async () => {
    const user = await tenant.createUser("ada@example.com");
    const first = await tenant.api("PATCH", userPath(user.user_id), {
      body: { user_metadata: { a: "x".repeat(900) } },
    });
    expect(first.status).toBe(200);
    const second = await tenant.api("PATCH", userPath(user.user_id), {
      body: { app_metadata: { b: "y".repeat(900) } },
    });
    expect(second.status).toBe(200);
    const third = await tenant.api("PATCH", userPath(user.user_id), {
      body: { user_metadata: { c: "z".repeat(400) } },
    });
    expectError(third, 400, "invalid_body", /Metadata is too large: .* the limit is 2048 bytes/);
    // Nothing of the refused patch was stored.
    const stored = await tenant.api<User>("GET", userPath(user.user_id, "?fields=user_metadata"));
    expect(Object.keys(stored.body.user_metadata as object)).toEqual(["a"]);
  });

  it("rejects an empty patch, unknown fields, bad JSON and a non-object metadata", async () => {
    const user = await tenant.createUser("ada@example.com");
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: {} }),
      400,
      "invalid_body",
      "Payload validation error: 'Too few properties defined (0), must be at least 1'.",
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { user_metdata: {} } }),
      400,
      "invalid_body",
      /Additional properties not allowed: user_metdata/,
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { rawBody: "{user_metadata: {}}" }),
      400,
      "invalid_body",
      "Invalid request payload JSON format",
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { user_metadata: null } }),
      400,
      "invalid_body",
      /Expected type object but found type null/,
    );
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { body: { blocked: "yes" } }),
      400,
      "invalid_body",
      /Expected type boolean but found type string' on property blocked/,
    );
  });

  it("answers 404 for an unknown user and 400 for a malformed id", async () => {
    expectError(await tenant.api("PATCH", userPath("auth0|nobody"), { body: { name: "x" } }), 404, "inexistent_user");
    expectError(await tenant.api("PATCH", userPath("nobody"), { body: { name: "x" } }), 400, "invalid_uri");
  });
});

describe("DELETE /api/v2/users/{id}", () => {
  it("is idempotent: 204 for an existing user and again for a gone one", async () => {
    const user = await tenant.createUser("ada@example.com");
    expect((await tenant.api("DELETE", userPath(user.user_id))).status).toBe(204);
    expect((await tenant.api("DELETE", userPath(user.user_id))).status).toBe(204);
    expectError(await tenant.api("DELETE", userPath("no-pipe")), 400, "invalid_uri");
  });
});

describe("GET /api/v2/users-by-email", () => {
  it("matches exactly and case-sensitively against the stored lower-case email", async () => {
    await tenant.createUser("ada@example.com");
    expect((await tenant.api<User[]>("GET", "/api/v2/users-by-email?email=ada%40example.com")).body).toHaveLength(1);
    expect((await tenant.api("GET", "/api/v2/users-by-email?email=Ada%40Example.com")).body).toEqual([]);
    expect((await tenant.api("GET", "/api/v2/users-by-email?email=da%40example.com")).body).toEqual([]);
  });

  it("rejects a missing or malformed email and unknown parameters", async () => {
    expectError(
      await tenant.api("GET", "/api/v2/users-by-email"),
      400,
      "invalid_query_string",
      /Missing required property: email/,
    );
    expectError(
      await tenant.api("GET", "/api/v2/users-by-email?email=nope"),
      400,
      "invalid_query_string",
      /format email: nope/,
    );
    expectError(
      await tenant.api("GET", "/api/v2/users-by-email?email=a%40example.com&q=x"),
      400,
      "invalid_query_string",
      /Additional properties not allowed: q/,
    );
  });
});

describe("GET /api/v2/users (search)", () => {
  async function search(query: Record<string, string>): Promise<User[]> {
    const response = await tenant.api<User[]>("GET", `/api/v2/users?${new URLSearchParams(query).toString()}`);
    expect(response.status, response.text).toBe(200);
    return response.body;
  }
  const emails = (users: User[]) => users.map((user) => user.email).sort();

  beforeEach(async () => {
    await tenant.createUser("ada@example.com", {
      name: "Ada Lovelace",
      user_metadata: { consent: { given: true, version: 3 }, addresses: [{ city: "London" }], plan: "Gold" },
      app_metadata: { roles: ["admin"] },
    });
    await tenant.createUser("grace@example.org", {
      name: "Grace Hopper",
      user_metadata: { consent: { given: false, version: 2 } },
      app_metadata: { roles: ["user"], deleted: true },
    });
    await tenant.createUser("alan@example.com", { name: "Alan Turing" });
  });

  it("matches nested metadata paths, including booleans and numbers", async () => {
    expect(emails(await search({ q: "user_metadata.consent.given:true" }))).toEqual(["ada@example.com"]);
    expect(emails(await search({ q: "user_metadata.consent.version:2" }))).toEqual(["grace@example.org"]);
    expect(emails(await search({ q: "app_metadata.deleted:true" }))).toEqual(["grace@example.org"]);
    expect(emails(await search({ q: 'user_metadata.addresses.city:"London"' }))).toEqual(["ada@example.com"]);
    expect(emails(await search({ q: "app_metadata.roles:admin" }))).toEqual(["ada@example.com"]);
  });

  it("combines AND, OR, NOT and parentheses", async () => {
    expect(emails(await search({ q: "email.domain:example.com AND NOT user_metadata.consent.given:true" }))).toEqual([
      "alan@example.com",
    ]);
    expect(emails(await search({ q: 'name:"Ada Lovelace" OR name:"Grace Hopper"' }))).toEqual([
      "ada@example.com",
      "grace@example.org",
    ]);
    expect(
      emails(await search({ q: "(app_metadata.roles:admin OR app_metadata.roles:user) AND email.domain:example.org" })),
    ).toEqual(["grace@example.org"]);
    expect(emails(await search({ q: "-app_metadata.deleted:true" }))).toEqual(["ada@example.com", "alan@example.com"]);
  });

  it("is case-insensitive on normalized fields and case-sensitive on metadata", async () => {
    expect(emails(await search({ q: 'email:"ADA@EXAMPLE.COM"' }))).toEqual(["ada@example.com"]);
    expect(emails(await search({ q: "name:grace*" }))).toEqual(["grace@example.org"]);
    expect(emails(await search({ q: 'user_metadata.plan:"Gold"' }))).toEqual(["ada@example.com"]);
    expect(await search({ q: 'user_metadata.plan:"gold"' })).toEqual([]);
  });

  it("supports _exists_ and ranges on profile fields", async () => {
    expect(emails(await search({ q: "_exists_:user_metadata.consent" }))).toEqual([
      "ada@example.com",
      "grace@example.org",
    ]);
    expect(emails(await search({ q: "created_at:[2000-01-01 TO *]" }))).toHaveLength(3);
    expect(await search({ q: "created_at:[* TO 2000-01-01]" })).toEqual([]);
  });

  it("rejects a query it cannot parse, and wildcards or ranges on user_metadata", async () => {
    const ask = (q: string) => tenant.api("GET", `/api/v2/users?q=${encodeURIComponent(q)}`);
    expectError(await ask("name:"), 400, "invalid_query_string", /Invalid query/);
    expectError(
      await ask("user_metadata.plan:Go*"),
      400,
      "invalid_query_string",
      /Wildcard searches are not available on user_metadata/,
    );
    expectError(
      await ask("user_metadata.consent.version:[1 TO 3]"),
      400,
      "invalid_query_string",
      /Range searches are not available on user_metadata/,
    );
    expectError(await ask("name:/ad.*/"), 400, "invalid_query_string", /Regular expression/);
    expectError(
      await tenant.api("GET", "/api/v2/users?search_engine=v2"),
      400,
      "invalid_query_string",
      /search_engine/,
    );
    expectError(await tenant.api("GET", "/api/v2/users?sort=name"), 400, "invalid_query_string", /sort/);
  });

  it("projects fields and sorts", async () => {
    const sorted = await search({ sort: "email:-1", fields: "email" });
    expect(sorted).toEqual([
      { email: "grace@example.org" },
      { email: "alan@example.com" },
      { email: "ada@example.com" },
    ]);
  });
});

describe("GET /api/v2/users (paging)", () => {
  it("pages with page/per_page and wraps the page with include_totals", async () => {
    seedUsers(7);
    const page = await tenant.api<{ start: number; limit: number; length: number; total: number; users: User[] }>(
      "GET",
      "/api/v2/users?page=1&per_page=3&include_totals=true&sort=created_at:1",
    );
    expect(page.body).toMatchObject({ start: 3, limit: 3, length: 3, total: 7 });
    expect(page.body.users.map((user) => user.email)).toEqual([
      "user0003@bulk.example",
      "user0004@bulk.example",
      "user0005@bulk.example",
    ]);
    const last = await tenant.api<User[]>("GET", "/api/v2/users?page=2&per_page=3&sort=created_at:1");
    expect(last.body.map((user) => user.email)).toEqual(["user0006@bulk.example"]);
  });

  it("returns 50 users by default and at most 100 per page", async () => {
    seedUsers(120);
    expect((await tenant.api<User[]>("GET", "/api/v2/users")).body).toHaveLength(50);
    expect((await tenant.api<User[]>("GET", "/api/v2/users?per_page=100")).body).toHaveLength(100);
    expectError(await tenant.api("GET", "/api/v2/users?per_page=101"), 400, "invalid_query_string", /per_page/);
    expectError(await tenant.api("GET", "/api/v2/users?page=-1"), 400, "invalid_query_string", /page/);
    expectError(
      await tenant.api("GET", "/api/v2/users?page=two"),
      400,
      "invalid_query_string",
      /Expected type integer/,
    );
  });

  it("lets you page through the first 1,000 results only, and caps the total at 1,000", async () => {
    seedUsers(1005);
    const lastAllowed = await tenant.api<{ total: number; users: User[] }>(
      "GET",
      "/api/v2/users?page=9&per_page=100&include_totals=true",
    );
    expect(lastAllowed.status).toBe(200);
    expect(lastAllowed.body.users).toHaveLength(100);
    expect(lastAllowed.body.total).toBe(1000);
    expectError(
      await tenant.api("GET", "/api/v2/users?page=10&per_page=100"),
      400,
      "invalid_paging",
      "You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation",
    );
    expectError(await tenant.api("GET", "/api/v2/users?page=20&per_page=50"), 400, "invalid_paging");
  });
});

describe("scopes", () => {
  it("answers 403 with Auth0's message when the token lacks the scope", async () => {
    const readerToken = await tenant.token(READER);
    const user = await tenant.createUser("ada@example.com");
    expect((await tenant.api("GET", userPath(user.user_id), { token: readerToken })).status).toBe(200);
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { token: readerToken, body: { name: "x" } }),
      403,
      "insufficient_scope",
      "Insufficient scope, expected any of: update:users,update:users_app_metadata",
    );
    expectError(
      await tenant.api("DELETE", userPath(user.user_id), { token: readerToken }),
      403,
      "insufficient_scope",
      "Insufficient scope, expected any of: delete:users",
    );
    expectError(
      await tenant.api("POST", "/api/v2/users", { token: readerToken, body: { email: "x@example.com" } }),
      403,
      "insufficient_scope",
      "Insufficient scope, expected any of: create:users",
    );
    expectError(
      await tenant.api("GET", "/api/v2/connections", { token: readerToken }),
      403,
      "insufficient_scope",
      "Insufficient scope, expected any of: read:connections",
    );
    expectError(
      await tenant.api("GET", `/api/v2/clients/${APP.clientId}`, { token: readerToken }),
      403,
      "insufficient_scope",
      /read:clients/,
    );
    expectError(
      await tenant.api("PATCH", `/api/v2/clients/${APP.clientId}`, { token: readerToken, body: { name: "x" } }),
      403,
      "insufficient_scope",
      /update:clients/,
    );
  });

  it("lets update:users_app_metadata alone change app_metadata and nothing else", async () => {
    const user = await tenant.createUser("ada@example.com");
    const token = await tenant.emulator.managementTokens.sign(MGMT.clientId, ["update:users_app_metadata"]);
    expect(
      (await tenant.api("PATCH", userPath(user.user_id), { token, body: { app_metadata: { deleted: true } } })).status,
    ).toBe(200);
    expectError(
      await tenant.api("PATCH", userPath(user.user_id), { token, body: { user_metadata: { a: 1 } } }),
      403,
      "insufficient_scope",
      "Insufficient scope, expected any of: update:users",
    );
  });
});

describe("GET /api/v2/connections", () => {
  it("filters by name and strategy, and answers in the three paging shapes", async () => {
    const byName = await tenant.api<Array<{ name: string }>>("GET", `/api/v2/connections?name=${DATABASE_CONNECTION}`);
    expect(byName.body.map((connection) => connection.name)).toEqual([DATABASE_CONNECTION]);
    expect((await tenant.api("GET", "/api/v2/connections?name=google-oauth2")).body).toEqual([]);
    expect((await tenant.api<unknown[]>("GET", "/api/v2/connections?strategy=auth0")).body).toHaveLength(1);
    expect((await tenant.api("GET", "/api/v2/connections?strategy=google-oauth2")).body).toEqual([]);
    const totals = await tenant.api("GET", "/api/v2/connections?include_totals=true");
    expect(totals.body).toMatchObject({ start: 0, limit: 50, total: 1, connections: [{ name: DATABASE_CONNECTION }] });
    const checkpoint = await tenant.api<Record<string, unknown>>("GET", "/api/v2/connections?take=10");
    expect(checkpoint.body).toMatchObject({ connections: [{ name: DATABASE_CONNECTION }] });
    expect(checkpoint.body).not.toHaveProperty("next");
    const fields = await tenant.api("GET", "/api/v2/connections?fields=id,name");
    expect(Object.keys((fields.body as Array<Record<string, unknown>>)[0] ?? {})).toEqual(["id", "name"]);
    expect((await tenant.api("GET", "/api/v2/connections?colour=red")).status).toBe(400);
  });
});

describe("GET and PATCH /api/v2/clients/{id}", () => {
  it("reads a client; the secret only with read:client_keys", async () => {
    const read = await tenant.api<Record<string, unknown>>("GET", `/api/v2/clients/${APP.clientId}`);
    expect(read.body).toMatchObject({
      client_id: APP.clientId,
      name: APP.name,
      app_type: "regular_web",
      client_metadata: {},
    });
    expect(read.body).not.toHaveProperty("client_secret");
    const keysToken = await tenant.emulator.managementTokens.sign(MGMT.clientId, ["read:client_keys"]);
    const withSecret = await tenant.api<Record<string, unknown>>(
      "GET",
      `/api/v2/clients/${APP.clientId}?fields=client_secret`,
      { token: keysToken },
    );
    expect(withSecret.body).toEqual({ client_secret: APP.clientSecret });
  });

  it("validates client_metadata: string values, at most 10 keys, 255 characters, no '.' in names", async () => {
    const patch = (body: unknown) => tenant.api("PATCH", `/api/v2/clients/${APP.clientId}`, { body });
    expectError(
      await patch({ client_metadata: { count: 3 } }),
      400,
      "invalid_body",
      /Expected type string but found type number' on property client_metadata.count/,
    );
    expectError(
      await patch({ client_metadata: { long: "x".repeat(256) } }),
      400,
      "invalid_body",
      /String is too long \(256 chars\), maximum 255/,
    );
    expectError(
      await patch({ client_metadata: { "my.color": "red" } }),
      400,
      "invalid_body",
      /Fields with "\." are not allowed/,
    );
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`k${index}`, "v"]));
    expectError(
      await patch({ client_metadata: eleven }),
      400,
      "invalid_body",
      /Too many properties defined \(11\), must be at most 10/,
    );
    expectError(await patch({}), 400, "invalid_body", /Too few properties/);
    expectError(
      await patch({ callbacks: ["https://evil.example"] }),
      400,
      "invalid_body",
      /Additional properties not allowed: callbacks/,
    );
  });

  it("answers 404 for an unknown client", async () => {
    expectError(await tenant.api("GET", "/api/v2/clients/nope"), 404, "inexistent_client", "The client does not exist");
    expectError(await tenant.api("PATCH", "/api/v2/clients/nope", { body: { name: "x" } }), 404, "inexistent_client");
  });
});

describe("routing", () => {
  it("answers 404 in Auth0's shape for what the emulator does not implement", async () => {
    expectError(await tenant.api("GET", "/api/v2/roles"), 404, "not_found", /does not implement GET \/api\/v2\/roles/);
    expectError(await tenant.api("PUT", "/api/v2/users/auth0%7Cx", { body: {} }), 404, "not_found");
  });
});

describe("persistence", () => {
  it("keeps users and client metadata across a restart with the same data directory", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "emulator-"));
    try {
      const first = await startTestTenant({ dataDir });
      const user = await first.createUser("ada@example.com", { user_metadata: { consent: { given: true } } });
      await first.api("PATCH", `/api/v2/clients/${APP.clientId}`, { body: { client_metadata: { theme: "dark" } } });
      const connectionId = (
        (await first.api<Array<{ id: string }>>("GET", "/api/v2/connections")).body[0] ?? { id: "" }
      ).id;
      await first.close();

      const second = await startTestTenant({ dataDir });
      try {
        const again = await second.api<User>("GET", userPath(user.user_id, "?fields=user_metadata"));
        expect(again.body).toEqual({ user_metadata: { consent: { given: true } } });
        const client = await second.api<{ client_metadata: unknown }>("GET", `/api/v2/clients/${APP.clientId}`);
        expect(client.body.client_metadata).toEqual({ theme: "dark" });
        const connections = await second.api<Array<{ id: string }>>("GET", "/api/v2/connections");
        expect(connections.body[0]?.id).toBe(connectionId);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
