// The consent API end to end (ADR 033): API clients registered through the emulator's
// Management API, Auth0 access tokens from its client-credentials grant, and every call made
// through the typed client (openapi-fetch over the generated types) into the real route handlers.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsentApiClient } from "@/lib/api-client/consent-api-client";
import { listApiClients } from "@/lib/admin/list-api-clients";
import { registerApiClient } from "@/lib/admin/register-api-client";
import { revokeApiClient } from "@/lib/admin/revoke-api-client";
import { db } from "@/lib/db/client";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { verifyConsentReceipt } from "@/lib/receipts/verify-consent-receipt";
import { integrateQueuedLeaves } from "@/lib/transparency/integrate-queued-leaves";
import { adminActor, staffActor } from "@/test/actors";
import { expectFailingAuditToAbort } from "@/test/failing-audit";
import { API_BASE_URL, apiRoutesFetch } from "@/test/api-routes";
import { newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import { PORTAL_API, startPortalTenant, type TestTenant } from "@/test/emulator";
import { startTestWitnesses, type TestWitness } from "@/test/log-witnesses";
import { requestCosignatures } from "@/lib/transparency/request-cosignatures";

const ADMIN = adminActor("auth0|api-admin");

let tenant: TestTenant;
let policies: { termsId: string; privacyId: string; privacySha256: string; termsSha256: string };
let writer: { clientId: string; clientSecret: string };
let reader: { clientId: string; clientSecret: string };
let writerApi: ReturnType<typeof createConsentApiClient>;
let readerApi: ReturnType<typeof createConsentApiClient>;

async function accessToken(client: { clientId: string; clientSecret: string }, audience = PORTAL_API.identifier) {
  const response = await fetch(`${tenant.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      audience,
    }),
  });
  const body = (await response.json()) as { access_token: string };
  expect(response.status).toBe(200);
  return body.access_token;
}

const apiFor = (token: string) =>
  createConsentApiClient({ baseUrl: API_BASE_URL, accessToken: token, fetch: apiRoutesFetch });

let witnesses: TestWitness[];

beforeAll(async () => {
  // Before the first use of lib/env.ts: the witness is part of the configuration.
  witnesses = await startTestWitnesses(1);
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "create:clients", "delete:clients", "create:client_grants"],
  });
  // The portal reads its configuration once, on first use: point it at this emulator first.
  process.env.AUTH0_DOMAIN = tenant.origin;
  const seeded = await seedCatalog();
  const versions = await db().policyVersion.findMany({ where: { id: { in: [seeded.termsId, seeded.privacyId] } } });
  policies = {
    ...seeded,
    termsSha256: versions.find((version) => version.id === seeded.termsId)!.textSha256,
    privacySha256: versions.find((version) => version.id === seeded.privacyId)!.textSha256,
  };
  writer = await registerApiClient(
    { name: "Mobile app", scopes: ["consent:read", "consent:write", "events:read"] },
    ADMIN,
  );
  reader = await registerApiClient({ name: "Mail tool", scopes: ["consent:read"] }, ADMIN);
  writerApi = apiFor(await accessToken(writer));
  readerApi = apiFor(await accessToken(reader));
});

afterAll(async () => {
  await tenant?.close();
  await Promise.all((witnesses ?? []).map((witness) => witness.stop()));
});

const shownPrivacy = () => [{ id: policies.privacyId, textSha256: policies.privacySha256 }];

describe("API clients", () => {
  it("are Auth0 machine-to-machine applications with a grant for the portal's API, listed for admins", async () => {
    const stored = tenant.emulator.store.getClient(writer.clientId);
    expect(stored).toMatchObject({ name: "Mobile app", app_type: "non_interactive" });
    expect(tenant.emulator.store.allClientGrants()).toContainEqual(
      expect.objectContaining({
        client_id: writer.clientId,
        audience: PORTAL_API.identifier,
        scope: ["consent:read", "consent:write", "events:read"],
      }),
    );
    const listed = await listApiClients(ADMIN);
    expect(listed.map((client) => client.clientId)).toEqual(expect.arrayContaining([writer.clientId, reader.clientId]));
    const change = await db().adminChange.findFirst({
      where: { action: "api_client.register", target: writer.clientId },
    });
    expect(change).toMatchObject({ actorType: "staff", actorId: ADMIN.id });
    expect(JSON.stringify(change)).not.toContain(writer.clientSecret);
    await expect(registerApiClient({ name: "Nope", scopes: ["consent:read"] }, staffActor())).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("a revoked client's token is refused at once, and its Auth0 application is deleted", async () => {
    const doomed = await registerApiClient({ name: "Old CRM", scopes: ["consent:read"] }, ADMIN);
    const api = apiFor(await accessToken(doomed));
    expect((await api.GET("/api/v1/purposes")).response.status).toBe(200);
    await revokeApiClient({ clientId: doomed.clientId }, ADMIN);
    const refused = await api.GET("/api/v1/purposes");
    expect(refused.response.status).toBe(401);
    expect(refused.error).toMatchObject({ code: "invalid_token", status: 401 });
    expect(tenant.emulator.store.getClient(doomed.clientId)).toBeUndefined();
  });
});

describe("API client changes and their audit rows commit together", () => {
  it("registering: a failing audit write leaves no client here, and the Auth0 application is deleted again", async () => {
    const before = tenant.emulator.store.allClients().length;
    await expectFailingAuditToAbort(() => registerApiClient({ name: "Rolled back", scopes: ["consent:read"] }, ADMIN));
    expect(await db().apiClient.count({ where: { name: "Rolled back" } })).toBe(0);
    expect(tenant.emulator.store.allClients()).toHaveLength(before);
  });

  it("revoking: a failing audit write leaves the client live, in the portal and in Auth0", async () => {
    const client = await registerApiClient({ name: "Kept", scopes: ["consent:read"] }, ADMIN);
    await expectFailingAuditToAbort(() => revokeApiClient({ clientId: client.clientId }, ADMIN));
    expect(await db().apiClient.findUnique({ where: { clientId: client.clientId } })).toMatchObject({
      revokedAt: null,
    });
    expect(tenant.emulator.store.getClient(client.clientId)).toBeDefined();
  });
});

describe("authentication and scopes", () => {
  it("refuses a call without a token, with a token for another audience, or with a forged token", async () => {
    const none = await createConsentApiClient({ baseUrl: API_BASE_URL, accessToken: "", fetch: apiRoutesFetch }).GET(
      "/api/v1/purposes",
    );
    expect(none.response.status).toBe(401);
    expect(none.response.headers.get("content-type")).toBe("application/problem+json");
    const management = await tenant.emulator.managementTokens.sign(writer.clientId, ["consent:read"]);
    const wrongAudience = await apiFor(management).GET("/api/v1/purposes");
    expect(wrongAudience.response.status).toBe(401);
    expect(wrongAudience.error).toMatchObject({ code: "invalid_token", type: "/api/docs#problem-invalid_token" });
    const expired = await tenant.emulator.managementTokens.sign(
      writer.clientId,
      ["consent:read"],
      -60,
      PORTAL_API.identifier,
    );
    expect((await apiFor(expired).GET("/api/v1/purposes")).error).toMatchObject({
      detail: "The access token has expired.",
    });
  });

  it("a read client cannot write: 403 insufficient_scope, and nothing is recorded", async () => {
    const subject = await newSubject("scoped");
    const { response, error } = await readerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id },
        decisions: [{ purpose: "analytics", decision: "granted" }],
        shownPolicies: shownPrivacy(),
      },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="consent:write"');
    expect(error).toMatchObject({ code: "insufficient_scope", status: 403, title: "Forbidden" });
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
    expect((await readerApi.GET("/api/v1/events", { params: { query: {} } })).response.status).toBe(403);
  });
});

describe("POST /api/v1/decisions", () => {
  it("records grants and withdrawals in one request, with the policy version and text hash shown, the method and client time, and receipts", async () => {
    const subject = await newSubject("decider");
    await signUp(subject.id, ["terms", "marketing-email"]);
    const { data, response } = await writerApi.POST("/api/v1/decisions", {
      params: { header: { "Idempotency-Key": "first-decision-0001" } },
      body: {
        person: { subjectId: subject.id },
        decisions: [
          { purpose: "analytics", decision: "granted" },
          { purpose: "marketing-email", decision: "withdrawn" },
          { purpose: "product-research", decision: "withdrawn" },
        ],
        shownPolicies: shownPrivacy(),
        clientTime: "2026-11-27T09:59:58.000Z",
        reason: "settings screen",
      },
    });
    expect(response.status).toBe(201);
    expect(data!.unchanged).toEqual(["product-research"]);
    expect(data!.events.map((event) => [event.purpose, event.action])).toEqual([
      ["analytics", "granted"],
      ["marketing-email", "withdrawn"],
    ]);
    const granted = data!.events[0]!;
    expect(granted).toMatchObject({
      subjectId: subject.id,
      method: "api",
      actorType: "api_client",
      clientTime: "2026-11-27T09:59:58.000Z",
      policyVersion: { id: policies.privacyId, textSha256: policies.privacySha256 },
    });
    const receipt = await verifyConsentReceipt(granted.receipt.jws);
    expect(decodeJwt(granted.receipt.jws).jti).toBe(granted.id);
    expect(receipt).toBeTruthy();
    const stored = await db().consentEvent.findUniqueOrThrow({ where: { id: granted.id } });
    expect(stored).toMatchObject({ actorType: "api_client", actorId: writer.clientId, actorReason: "settings screen" });
  });

  it("answers the first answer again for the same Idempotency-Key and body, and 409 for another body", async () => {
    const subject = await newSubject("retry");
    const body = {
      person: { subjectId: subject.id },
      decisions: [{ purpose: "analytics", decision: "granted" as const }],
      shownPolicies: shownPrivacy(),
    };
    const params = { header: { "Idempotency-Key": `retry-${subject.id}` } };
    const first = await writerApi.POST("/api/v1/decisions", { params, body });
    const again = await writerApi.POST("/api/v1/decisions", { params, body });
    expect(again.response.status).toBe(first.response.status);
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.data).toEqual(first.data);
    const other = await writerApi.POST("/api/v1/decisions", {
      params,
      body: { ...body, decisions: [{ purpose: "product-research", decision: "granted" }] },
    });
    expect(other.response.status).toBe(409);
    expect(other.error).toMatchObject({ code: "idempotency_conflict", field: "Idempotency-Key" });
    const badKey = await writerApi.POST("/api/v1/decisions", {
      params: { header: { "Idempotency-Key": "short" } },
      body,
    });
    expect(badKey.error).toMatchObject({ status: 422, field: "Idempotency-Key" });
    // A client time PostgreSQL cannot store (it has no year 0) is the client's mistake, not a 500.
    const yearZero = await writerApi.POST("/api/v1/decisions", {
      params: { header: { "Idempotency-Key": `year-zero-${subject.id}` } },
      body: { ...body, clientTime: "0000-06-01T00:00:00Z" },
    });
    expect(yearZero.error).toMatchObject({ status: 422, field: "clientTime" });
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it("is safe under concurrent retries: one set of events, every retry the same answer", async () => {
    const subject = await newSubject("concurrent");
    const body = {
      person: { subjectId: subject.id },
      decisions: [
        { purpose: "analytics", decision: "granted" as const },
        { purpose: "product-research", decision: "granted" as const },
      ],
      shownPolicies: shownPrivacy(),
    };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        writerApi.POST("/api/v1/decisions", { params: { header: { "Idempotency-Key": `burst-${subject.id}` } }, body }),
      ),
    );
    expect(answers.map((answer) => answer.response.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.data))).size).toBe(1);
    expect(answers.filter((answer) => answer.response.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(2);
  });

  it("finds a person by Auth0 user id (creating the subject from Auth0) and links the client's external id", async () => {
    const user = await tenant.createUser(`api.${Date.now()}@example.com`, { name: "Grace Hopper" });
    const created = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { auth0UserId: user.user_id, externalId: "crm-0001" },
        decisions: [{ purpose: "marketing-email", decision: "granted" }],
        shownPolicies: shownPrivacy(),
      },
    });
    expect(created.response.status).toBe(201);
    const byExternal = await writerApi.GET("/api/v1/consent", {
      params: { query: { externalId: "crm-0001", purpose: "marketing-email" } },
    });
    expect(byExternal.data).toMatchObject({
      subjectId: created.data!.subjectId,
      purposes: [{ purpose: "marketing-email", status: "granted" }],
    });
    // Another client's ids are its own.
    expect(
      (await readerApi.GET("/api/v1/consent", { params: { query: { externalId: "crm-0001" } } })).response.status,
    ).toBe(404);
    const other = await newSubject("other");
    const clash = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: other.id, externalId: "crm-0001" },
        decisions: [{ purpose: "analytics", decision: "withdrawn" }],
      },
    });
    expect(clash.response.status).toBe(409);
    expect(clash.error).toMatchObject({ code: "conflict", field: "person.externalId" });
    const unknown = await writerApi.POST("/api/v1/decisions", {
      body: { person: { auth0UserId: "auth0|nobody" }, decisions: [{ purpose: "analytics", decision: "withdrawn" }] },
    });
    expect(unknown.response.status).toBe(404);
  });

  it("names the field and the reason of every refusal (RFC 9457)", async () => {
    const subject = await newSubject("invalid");
    const bad = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id },
        decisions: [{ purpose: "analytics", decision: "maybe" as "granted" }],
        shownPolicies: shownPrivacy(),
      },
    });
    expect(bad.response.status).toBe(422);
    expect(bad.response.headers.get("content-type")).toBe("application/problem+json");
    expect(bad.error).toMatchObject({
      type: "/api/docs#problem-validation_failed",
      status: 422,
      instance: "/api/v1/decisions",
      field: "decisions.0.decision",
    });
    expect(bad.error!.issues).toHaveLength(1);
    expect(bad.error!.issues![0]!.field).toBe("decisions.0.decision");
    expect(bad.error!.issues![0]!.reason).toBe("Choose one of the options.");
    const wrongHash = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id },
        decisions: [{ purpose: "analytics", decision: "granted" }],
        shownPolicies: [{ id: policies.privacyId, textSha256: "0".repeat(64) }],
      },
    });
    expect(wrongHash.error).toMatchObject({ status: 422, field: "shownPolicies.0.textSha256" });
    const wrongDocument = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id },
        decisions: [{ purpose: "analytics", decision: "granted" }],
        shownPolicies: [{ id: policies.termsId, textSha256: policies.termsSha256 }],
      },
    });
    expect(wrongDocument.error).toMatchObject({ status: 422, field: "policyVersionIds" });
    const required = await writerApi.POST("/api/v1/decisions", {
      body: { person: { subjectId: subject.id }, decisions: [{ purpose: "terms", decision: "withdrawn" }] },
    });
    expect(required.error).toMatchObject({ status: 422, field: "decisions.0.purpose" });
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
  });
});

describe("GET /api/v1/consent", () => {
  it("reads all purposes or one, with an ETag that answers 304 until something changes", async () => {
    const subject = await newSubject("reader");
    await signUp(subject.id, ["terms", "analytics"]);
    const all = await readerApi.GET("/api/v1/consent", { params: { query: { subjectId: subject.id } } });
    expect(all.data!.purposes.map((row) => [row.purpose, row.status])).toEqual([
      ["terms", "granted"],
      ["marketing-email", "never"],
      ["analytics", "granted"],
      ["product-research", "never"],
    ]);
    expect(all.data!.purposes[0]!.policyVersion).toMatchObject({
      id: policies.termsId,
      textSha256: policies.termsSha256,
    });
    const etag = all.response.headers.get("etag")!;
    const unchanged = await readerApi.GET("/api/v1/consent", {
      params: { query: { subjectId: subject.id }, header: { "If-None-Match": etag } },
    });
    expect(unchanged.response.status).toBe(304);
    await writerApi.POST("/api/v1/decisions", {
      body: { person: { subjectId: subject.id }, decisions: [{ purpose: "analytics", decision: "withdrawn" }] },
    });
    const changed = await readerApi.GET("/api/v1/consent", {
      params: { query: { subjectId: subject.id }, header: { "If-None-Match": etag } },
    });
    expect(changed.response.status).toBe(200);
    expect(changed.response.headers.get("etag")).not.toBe(etag);
    const one = await readerApi.GET("/api/v1/consent", {
      params: { query: { auth0UserId: subject.auth0UserId!, purpose: "analytics" } },
    });
    expect(one.data!.purposes).toEqual([expect.objectContaining({ purpose: "analytics", status: "withdrawn" })]);
    const missing = await readerApi.GET("/api/v1/consent", { params: { query: {} } });
    expect(missing.error).toMatchObject({ status: 400, field: "subjectId" });
  });

  it("answers 404 naming the field for an unknown person or purpose, and logs no read of anyone", async () => {
    const subject = await newSubject("unknowns");
    const before = await db().accessLog.count();
    const bySubject = await readerApi.GET("/api/v1/consent", {
      params: { query: { subjectId: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(bySubject.error).toMatchObject({ status: 404, field: "person.subjectId" });
    const byAuth0 = await readerApi.GET("/api/v1/consent", { params: { query: { auth0UserId: "auth0|nobody" } } });
    expect(byAuth0.error).toMatchObject({ status: 404, field: "person.auth0UserId" });
    const byExternal = await readerApi.GET("/api/v1/consent", { params: { query: { externalId: "crm-nobody" } } });
    expect(byExternal.error).toMatchObject({ status: 404, field: "person.externalId" });
    const purpose = await readerApi.GET("/api/v1/consent", {
      params: { query: { subjectId: subject.id, purpose: "no-such-purpose" } },
    });
    expect(purpose.error).toMatchObject({ status: 404, field: "purpose" });
    expect(await db().accessLog.count()).toBe(before);
  });

  it("writes every call to the access log with the client id", async () => {
    const subject = await newSubject("logged");
    await readerApi.GET("/api/v1/consent", { params: { query: { subjectId: subject.id } } });
    const rows = await db().accessLog.findMany({ where: { subjectId: subject.id } });
    expect(rows).toEqual([
      expect.objectContaining({
        action: "api.consent.read",
        actorType: "api_client",
        actorId: reader.clientId,
        actorRole: "api_client",
      }),
    ]);
    expect(rows[0]!.detail).toMatchObject({ via: "access_token", scope: "consent:read" });
  });
});

describe("an erased person", () => {
  it("is gone for the API: 410 by subject id, and the client's external id is deleted with the rest", async () => {
    const subject = await newSubject("erased");
    await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id, externalId: "crm-erased" },
        decisions: [{ purpose: "analytics", decision: "granted" }],
        shownPolicies: shownPrivacy(),
      },
    });
    await eraseSubject({ subjectId: subject.id, reason: "erasure request" }, ADMIN);
    const bySubject = await readerApi.GET("/api/v1/consent", { params: { query: { subjectId: subject.id } } });
    expect(bySubject.error).toMatchObject({ status: 410, code: "subject_erased" });
    expect(await db().apiExternalId.count({ where: { subjectId: subject.id } })).toBe(0);
    const write = await writerApi.POST("/api/v1/decisions", {
      body: { person: { subjectId: subject.id }, decisions: [{ purpose: "analytics", decision: "withdrawn" }] },
    });
    expect(write.response.status).toBe(410);
  });
});

describe("GET /api/v1/purposes/{purpose}/people", () => {
  it("pages through everyone with the purpose granted, each once, in keyset pages", async () => {
    const subjects = await Promise.all(Array.from({ length: 7 }, () => newSubject("listed")));
    for (const subject of subjects) await signUp(subject.id, ["terms", "product-research"]);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { data } = await readerApi.GET("/api/v1/purposes/{purpose}/people", {
        params: {
          path: { purpose: "product-research" },
          query: { status: "granted", limit: 3, ...(after ? { after } : {}) },
        },
      });
      seen.push(...data!.items.map((item) => item.subjectId));
      if (!data!.nextCursor) break;
      after = data!.nextCursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const expected = await db().consentState.count({
      where: { purpose: { key: "product-research" }, status: "granted" },
    });
    expect(seen).toHaveLength(expected);
    expect(seen).toEqual(expect.arrayContaining(subjects.map((subject) => subject.id)));
    const unknown = await readerApi.GET("/api/v1/purposes/{purpose}/people", {
      params: { path: { purpose: "no-such-purpose" }, query: {} },
    });
    expect(unknown.response.status).toBe(404);
  });
});

describe("GET /api/v1/events", () => {
  it("is complete and in log order after concurrent writers", async () => {
    await integrateQueuedLeaves();
    const start = (await writerApi.GET("/api/v1/events", { params: { query: { limit: 1000 } } })).data!;
    let after = start.nextAfter;
    while ((await writerApi.GET("/api/v1/events", { params: { query: { after, limit: 1000 } } })).data!.hasMore) {
      after = (await writerApi.GET("/api/v1/events", { params: { query: { after, limit: 1000 } } })).data!.nextAfter;
    }
    const subjects = await Promise.all(Array.from({ length: 6 }, () => newSubject("feed")));
    const writes = subjects.flatMap((subject) =>
      ["analytics", "marketing-email", "product-research"].map((purpose) =>
        writerApi.POST("/api/v1/decisions", {
          body: {
            person: { subjectId: subject.id },
            decisions: [{ purpose, decision: "granted" }],
            shownPolicies: shownPrivacy(),
          },
        }),
      ),
    );
    // The sequencer runs while the writers commit, as it does in the server.
    const sequencing = (async () => {
      for (let round = 0; round < 5; round += 1) await integrateQueuedLeaves();
    })();
    const answers = await Promise.all(writes);
    await sequencing;
    await integrateQueuedLeaves();
    const written = answers.flatMap((answer) => answer.data!.events.map((event) => event.id));
    expect(written).toHaveLength(18);

    const fed: Array<{ id: string; logIndex: number }> = [];
    for (;;) {
      const { data } = await writerApi.GET("/api/v1/events", { params: { query: { after, limit: 5 } } });
      fed.push(...data!.events.map((event) => ({ id: event.id, logIndex: event.logIndex })));
      after = data!.nextAfter;
      if (!data!.hasMore) break;
    }
    expect(fed.map((event) => event.logIndex)).toEqual([...fed.map((event) => event.logIndex)].sort((a, b) => a - b));
    expect(new Set(fed.map((event) => event.id)).size).toBe(fed.length);
    expect(fed.map((event) => event.id)).toEqual(expect.arrayContaining(written));
    const fromOthers = await db().consentEvent.count({
      where: { id: { in: fed.map((event) => event.id), notIn: written } },
    });
    expect(fed).toHaveLength(written.length + fromOthers);
  });
});

describe("GET /api/v1/receipts/{eventId}", () => {
  it("answers the write's receipt again, with its proof once the log has integrated and witnessed the event", async () => {
    const subject = await newSubject("receipt");
    const written = await writerApi.POST("/api/v1/decisions", {
      body: {
        person: { subjectId: subject.id },
        decisions: [{ purpose: "analytics", decision: "granted" }],
        shownPolicies: shownPrivacy(),
      },
    });
    const event = written.data!.events[0]!;
    expect(event.receipt.proof).toBeNull();
    while ((await integrateQueuedLeaves())?.integrated) {
      // until the queue is empty
    }
    expect((await requestCosignatures()).map((report) => report.outcome)).toEqual(["cosigned"]);
    const { data } = await readerApi.GET("/api/v1/receipts/{eventId}", { params: { path: { eventId: event.id } } });
    expect(data!.jws).toBe(event.receipt.jws);
    expect(data!.proof).toMatchObject({
      log: "localhost/consent-portal-test",
      leafIndex: expect.any(Number) as number,
    });
    const missing = await readerApi.GET("/api/v1/receipts/{eventId}", {
      params: { path: { eventId: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(missing.response.status).toBe(404);
  });
});

describe("purposes and policy versions", () => {
  it("lists the purposes with their current wording, and the policy versions with the text whose hash grants name", async () => {
    const purposes = await readerApi.GET("/api/v1/purposes");
    expect(purposes.data!.purposes.map((purpose) => purpose.key)).toEqual([
      "terms",
      "marketing-email",
      "analytics",
      "product-research",
    ]);
    const versions = await readerApi.GET("/api/v1/policy-versions", { params: { query: { kind: "privacy" } } });
    expect(versions.data!.policyVersions).toEqual([
      expect.objectContaining({ id: policies.privacyId, current: true, textSha256: policies.privacySha256 }),
    ]);
    const one = await readerApi.GET("/api/v1/policy-versions/{id}", { params: { path: { id: policies.privacyId } } });
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(one.data!.text).digest("hex")).toBe(policies.privacySha256);
  });

  it("serves the OpenAPI 3.1 document without a token", async () => {
    const response = await apiRoutesFetch(`${API_BASE_URL}/api/v1/openapi.json`);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/api/v1/decisions");
  });
});
