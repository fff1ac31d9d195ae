// POST /oauth/token: the client-credentials grant the emulator answers itself, and the
// authorization_code grant it passes on to oidc-provider after having read the body.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import {
  APP,
  loginThroughBrowserFlow,
  MGMT,
  PORTAL_API,
  READER,
  startTestTenant,
  tenantForEachTest,
  TEST_PASSWORD,
  type TestTenant,
} from "../test/emulator.js";

let tenant: TestTenant;
tenantForEachTest({}, (started) => (tenant = started));

async function tokenRequest(
  body: Record<string, string>,
  init: { json?: boolean; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${tenant.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": init.json ? "application/json" : "application/x-www-form-urlencoded", ...init.headers },
    body: init.json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const grant = () => ({
  grant_type: "client_credentials",
  client_id: MGMT.clientId,
  client_secret: MGMT.clientSecret,
  audience: tenant.emulator.managementAudience,
});

describe("client credentials for the Management API", () => {
  it("issues an RS256 JWT shaped like Auth0's (form body)", async () => {
    const { status, body } = await tokenRequest(grant());
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 86400, scope: MGMT.scopes.join(" ") });
    const token = String(body.access_token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "RS256", typ: "JWT" });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: tenant.emulator.issuer,
      aud: `${tenant.emulator.issuer}api/v2/`,
      sub: `${MGMT.clientId}@clients`,
      azp: MGMT.clientId,
      gty: "client-credentials",
      scope: MGMT.scopes.join(" "),
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(86400);
  });

  it("accepts a JSON body and HTTP Basic client authentication too", async () => {
    expect((await tokenRequest(grant(), { json: true })).status).toBe(200);
    const { client_secret: _secret, client_id: _id, ...rest } = grant();
    const basic = Buffer.from(`${MGMT.clientId}:${MGMT.clientSecret}`).toString("base64");
    expect((await tokenRequest(rest, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
  });

  it("narrows the token to the requested scopes, and refuses scopes that were not granted", async () => {
    const narrowed = await tokenRequest({ ...grant(), scope: "read:users" });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe("read:users");
    const refused = await tokenRequest({ ...grant(), scope: "read:users delete:everything" });
    expect(refused).toEqual({
      status: 403,
      body: { error: "access_denied", error_description: "Client has not been granted scopes: delete:everything" },
    });
  });

  it("refuses a wrong secret or unknown client with 401 access_denied", async () => {
    expect(await tokenRequest({ ...grant(), client_secret: "wrong" })).toEqual({
      status: 401,
      body: { error: "access_denied", error_description: "Unauthorized" },
    });
    expect((await tokenRequest({ ...grant(), client_id: "nobody" })).status).toBe(401);
  });

  it("refuses a missing or unknown audience with 403", async () => {
    const { audience: _audience, ...withoutAudience } = grant();
    const missing = await tokenRequest(withoutAudience);
    expect(missing.status).toBe(403);
    expect(missing.body.error_description).toMatch(/No audience parameter was provided/);
    const unknown = await tokenRequest({ ...grant(), audience: "https://elsewhere.example/api/v2/" });
    expect(unknown).toEqual({
      status: 403,
      body: { error: "access_denied", error_description: "Service not found: https://elsewhere.example/api/v2/" },
    });
  });

  it("refuses the interactive application: it has no client grant for the Management API", async () => {
    const refused = await tokenRequest({ ...grant(), client_id: APP.clientId, client_secret: APP.clientSecret });
    expect(refused.status).toBe(403);
    expect(refused.body.error_description).toMatch(/Client is not authorized to access/);
  });

  it("gives the reader client only read:users", async () => {
    const { body } = await tokenRequest({ ...grant(), client_id: READER.clientId, client_secret: READER.clientSecret });
    expect(body.scope).toBe("read:users");
  });
});

describe("authorization_code still goes to oidc-provider after the token endpoint read the body", () => {
  it("exchanges the code from a real login for ID and access tokens (client_secret_post, PKCE)", async () => {
    await tenant.createUser("ada@example.com", { name: "Ada Lovelace" });
    const login = await loginThroughBrowserFlow(tenant, "ada@example.com", TEST_PASSWORD);
    const code = login.callback?.searchParams.get("code");
    expect(code).toBeTruthy();
    const response = await fetch(`${tenant.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: String(code),
        redirect_uri: `${APP.baseUrl}/auth/callback`,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        code_verifier: login.codeVerifier,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.token_type).toBe("Bearer");
    const idToken = decodeJwt(String(body.id_token));
    expect(idToken).toMatchObject({
      iss: tenant.emulator.issuer,
      aud: APP.clientId,
      email: "ada@example.com",
      name: "Ada Lovelace",
      nonce: "nonce-456",
    });
  });

  it("lets oidc-provider report its own errors for other grants (bad code → invalid_grant)", async () => {
    const response = await fetch(`${tenant.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: "not-a-code",
        redirect_uri: `${APP.baseUrl}/auth/callback`,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("Management API token checks", () => {
  it("rejects a token signed by another tenant's key", async () => {
    const other = await startTestTenant({ rolesClaim: "roles", applications: [], machineClients: [MGMT] });
    try {
      const foreign = await other.emulator.managementTokens.sign(MGMT.clientId, MGMT.scopes);
      const response = await tenant.api("GET", "/api/v2/users", { token: foreign });
      expect(response.status).toBe(401);
      // The other tenant has another issuer; the signature check fails first either way.
      expect(response.body).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    } finally {
      await other.close();
    }
  });

  it("rejects an expired token with Auth0's message", async () => {
    const expired = await tenant.emulator.managementTokens.sign(MGMT.clientId, MGMT.scopes, -60);
    const response = await tenant.api("GET", "/api/v2/users", { token: expired });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Expired token received for JSON Web Token validation",
      errorCode: "token_expired",
    });
  });

  it("answers 401 Missing authentication without a token, and Invalid token for garbage", async () => {
    const missing = await tenant.api("GET", "/api/v2/users", { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Missing authentication",
      errorCode: "missing_authentication",
    });
    const garbage = await tenant.api("GET", "/api/v2/users", { token: "not.a.jwt" });
    expect(garbage.body).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Invalid token",
      errorCode: "invalid_token",
    });
    const badScheme = await fetch(`${tenant.origin}/api/v2/users`, { headers: { authorization: "Token abc" } });
    expect(badScheme.status).toBe(401);
    expect(await badScheme.json()).toMatchObject({ message: "Bad HTTP authentication header format" });
  });
});

describe("machine-to-machine clients for the portal's own API (client grants)", () => {
  async function createApiClient(scope: string[]) {
    const created = await tenant.api<{ client_id: string; client_secret: string; app_type: string }>(
      "POST",
      "/api/v2/clients",
      { body: { name: "Mail tool", app_type: "non_interactive", grant_types: ["client_credentials"] } },
    );
    expect(created.status).toBe(201);
    const grant = await tenant.api<{ id: string; scope: string[] }>("POST", "/api/v2/client-grants", {
      body: { client_id: created.body.client_id, audience: PORTAL_API.identifier, scope },
    });
    expect(grant.status).toBe(201);
    return { ...created.body, grantId: grant.body.id };
  }

  it("creates a client whose secret is shown in the creation answer only", async () => {
    const client = await createApiClient(["consent:read"]);
    expect(client.app_type).toBe("non_interactive");
    expect(client.client_secret.length).toBeGreaterThan(40);
    const read = await tenant.api<Record<string, unknown>>("GET", `/api/v2/clients/${client.client_id}`, {
      token: await tenant.emulator.managementTokens.sign(MGMT.clientId, ["read:clients"]),
    });
    expect(read.body.client_secret).toBeUndefined();
  });

  it("issues an RS256 token for the API's audience with the granted scopes, and narrows it on request", async () => {
    const client = await createApiClient(["consent:read", "events:read"]);
    const { status, body } = await tokenRequest({
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: PORTAL_API.identifier,
    });
    expect(status).toBe(200);
    expect(body.scope).toBe("consent:read events:read");
    expect(decodeJwt(String(body.access_token))).toMatchObject({
      iss: tenant.emulator.issuer,
      aud: PORTAL_API.identifier,
      sub: `${client.client_id}@clients`,
      azp: client.client_id,
      gty: "client-credentials",
    });
    const narrowed = await tokenRequest({
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: PORTAL_API.identifier,
      scope: "consent:write",
    });
    expect(narrowed).toEqual({
      status: 403,
      body: { error: "access_denied", error_description: "Client has not been granted scopes: consent:write" },
    });
  });

  it("refuses a client without a grant for the API, and refuses scopes the API does not define", async () => {
    const refused = await tokenRequest({ ...grant(), audience: PORTAL_API.identifier });
    expect(refused.status).toBe(403);
    expect(refused.body.error_description).toMatch(/Client is not authorized to access/);
    const created = await tenant.api<{ client_id: string }>("POST", "/api/v2/clients", {
      body: { name: "Bad", app_type: "non_interactive" },
    });
    const badScope = await tenant.api("POST", "/api/v2/client-grants", {
      body: { client_id: created.body.client_id, audience: PORTAL_API.identifier, scope: ["delete:everything"] },
    });
    expect(badScope.status).toBe(400);
    const unknownApi = await tenant.api("POST", "/api/v2/client-grants", {
      body: { client_id: created.body.client_id, audience: "https://elsewhere.example/", scope: [] },
    });
    expect(unknownApi.body).toMatchObject({ statusCode: 404, errorCode: "inexistent_resource_server" });
  });

  it("a deleted client gets no more tokens, and its grants are gone with it", async () => {
    const client = await createApiClient(["consent:read"]);
    expect((await tenant.api("DELETE", `/api/v2/clients/${client.client_id}`)).status).toBe(204);
    const grants = await tenant.api<unknown[]>("GET", `/api/v2/client-grants?client_id=${client.client_id}`);
    expect(grants.body).toEqual([]);
    const refused = await tokenRequest({
      grant_type: "client_credentials",
      client_id: client.client_id,
      client_secret: client.client_secret,
      audience: PORTAL_API.identifier,
    });
    expect(refused.status).toBe(401);
    expect((await tenant.api("DELETE", `/api/v2/clients/${client.client_id}`)).status).toBe(404);
  });

  it("needs create:clients to create a client", async () => {
    const response = await tenant.api("POST", "/api/v2/clients", {
      body: { name: "x", app_type: "non_interactive" },
      token: await tenant.emulator.managementTokens.sign(MGMT.clientId, ["read:clients"]),
    });
    expect(response.status).toBe(403);
  });
});
