// The consent API's webhook management (scope webhooks:manage) and legacy import (scope
// consent:import), end to end through the typed client: API clients registered in the
// emulator, their Auth0 access tokens, the real route handlers, deliveries to a real receiver
// verified with the `standardwebhooks` package (issue 14, ADR 034).
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsentApiClient } from "@/lib/api-client/consent-api-client";
import { registerApiClient } from "@/lib/admin/register-api-client";
import { db } from "@/lib/db/client";
import { deliverWebhooks } from "@/lib/webhooks/deliver-webhooks";
import { adminActor } from "@/test/actors";
import { API_BASE_URL, apiRoutesFetch } from "@/test/api-routes";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { PORTAL_API, startPortalTenant, type TestTenant } from "@/test/emulator";
import { startWebhookReceiver, type WebhookReceiver } from "@/test/webhook-receiver";

// The receiver listens on 127.0.0.1: private addresses are allowed here, as in local development.
process.env.WEBHOOK_ALLOW_PRIVATE = "true";

const ADMIN = adminActor("auth0|api-webhooks-admin");

let tenant: TestTenant;
let receiver: WebhookReceiver;
let manager: { clientId: string };
let managerApi: ReturnType<typeof createConsentApiClient>;
let readerApi: ReturnType<typeof createConsentApiClient>;
let writerApi: ReturnType<typeof createConsentApiClient>;
let importerApi: ReturnType<typeof createConsentApiClient>;

async function accessToken(client: { clientId: string; clientSecret: string }) {
  const response = await fetch(`${tenant.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      audience: PORTAL_API.identifier,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function clientApi(name: string, scopes: Parameters<typeof registerApiClient>[0]["scopes"]) {
  const client = await registerApiClient({ name, scopes }, ADMIN);
  const api = createConsentApiClient({
    baseUrl: API_BASE_URL,
    accessToken: await accessToken(client),
    fetch: apiRoutesFetch,
  });
  return { client, api };
}

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "create:clients", "delete:clients", "create:client_grants"],
  });
  process.env.AUTH0_DOMAIN = tenant.origin;
  await seedCatalog();
  receiver = await startWebhookReceiver();
  const managing = await clientApi("Integration hub", ["webhooks:manage"]);
  manager = managing.client;
  managerApi = managing.api;
  readerApi = (await clientApi("Mail tool", ["consent:read", "events:read"])).api;
  writerApi = (await clientApi("Mobile app", ["consent:read", "consent:write"])).api;
  importerApi = (await clientApi("Migration", ["consent:import"])).api;
});

afterAll(async () => {
  await receiver?.close();
  await tenant?.close();
});

const verify = (secret: string, request: { body: string; headers: Record<string, string> }) =>
  new Webhook(secret).verify(request.body, request.headers);

describe("webhooks through the API", () => {
  it("a client without webhooks:manage can neither list nor register endpoints (403 insufficient_scope)", async () => {
    const before = await db().webhookEndpoint.count();
    const listed = await readerApi.GET("/api/v1/webhooks");
    expect(listed.response.status).toBe(403);
    expect(listed.error).toMatchObject({ code: "insufficient_scope", status: 403 });
    expect(listed.response.headers.get("www-authenticate")).toContain('scope="webhooks:manage"');
    const registered = await writerApi.POST("/api/v1/webhooks", {
      body: { url: receiver.url, events: ["consent.granted"] },
    });
    expect(registered.response.status).toBe(403);
    expect(await db().webhookEndpoint.count()).toBe(before);
  });

  it("registers, lists, rotates with an overlap, disables with a reason and enables an endpoint; each change audited as the client", async () => {
    const registered = await managerApi.POST("/api/v1/webhooks", {
      body: { url: receiver.url, events: ["consent.granted", "consent.withdrawn"], description: "CRM" },
    });
    expect(registered.response.status).toBe(201);
    const { endpoint, secret } = registered.data!;
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({
      url: receiver.url,
      events: ["consent.granted", "consent.withdrawn"],
      enabled: true,
    });

    const listed = await managerApi.GET("/api/v1/webhooks");
    expect(listed.data!.endpoints.map((item) => item.id)).toContain(endpoint.id);
    const read = await managerApi.GET("/api/v1/webhooks/{endpointId}", {
      params: { path: { endpointId: endpoint.id } },
    });
    expect(read.data).toMatchObject({ id: endpoint.id, description: "CRM", pending: 0, failed: 0 });

    // Rotation: during the overlap each delivery verifies with the old secret and with the new one.
    const rotated = await managerApi.POST("/api/v1/webhooks/{endpointId}/rotate-secret", {
      params: { path: { endpointId: endpoint.id } },
      body: { overlapHours: 2 },
    });
    expect(rotated.response.status).toBe(200);
    const newSecret = rotated.data!.secret!;
    expect(newSecret).not.toBe(secret);
    const overlapMs = new Date(rotated.data!.previousSecretExpiresAt).getTime() - Date.now();
    expect(overlapMs).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(overlapMs).toBeLessThanOrEqual(2 * 3_600_000);
    const subject = await newSignedUpSubject("api-webhook", ["terms"]);
    await deliverWebhooks();
    const delivered = receiver.received.filter((request) => request.data.subjectId === subject.id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verify(secret!, delivered[0]!)).toMatchObject({ type: "consent.granted" });
    expect(verify(newSecret, delivered[0]!)).toMatchObject({ type: "consent.granted" });

    const disabled = await managerApi.PATCH("/api/v1/webhooks/{endpointId}", {
      params: { path: { endpointId: endpoint.id } },
      body: { enabled: false, reason: "CRM migration this weekend" },
    });
    expect(disabled.data).toMatchObject({ enabled: false, disabledReason: "CRM migration this weekend" });
    await newSignedUpSubject("api-webhook-disabled", ["terms"]);
    expect(await db().webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
    const enabled = await managerApi.PATCH("/api/v1/webhooks/{endpointId}", {
      params: { path: { endpointId: endpoint.id } },
      body: { enabled: true },
    });
    expect(enabled.data).toMatchObject({ enabled: true, disabledReason: null });

    const changes = await db().adminChange.findMany({ where: { target: endpoint.id }, orderBy: { at: "asc" } });
    expect(changes.map((change) => [change.action, change.actorType, change.actorId])).toEqual([
      ["webhook.register", "api_client", manager.clientId],
      ["webhook.rotate_secret", "api_client", manager.clientId],
      ["webhook.disable", "api_client", manager.clientId],
      ["webhook.enable", "api_client", manager.clientId],
    ]);
    const logged = await db().accessLog.findMany({
      where: { actorId: manager.clientId, action: "api.webhooks.write" },
    });
    expect(logged.length).toBeGreaterThanOrEqual(4);
    // The secret is in no audit or log row.
    expect(JSON.stringify(changes) + JSON.stringify(logged)).not.toContain(newSecret);
  });

  it("lists an endpoint's deliveries and replays a given-up one with the same webhook-id, once per Idempotency-Key", async () => {
    const { data } = await managerApi.POST("/api/v1/webhooks", {
      body: { url: receiver.url, events: ["consent.granted"] },
    });
    const endpointId = data!.endpoint.id;
    receiver.answer = () => 500;
    await newSignedUpSubject("api-replay", ["terms"]);
    // Given up: stands in for 3 days of failures.
    await db().webhookDelivery.updateMany({ where: { endpointId }, data: { status: "failed", attempts: 25 } });
    receiver.answer = () => 204;
    const failed = await managerApi.GET("/api/v1/webhooks/{endpointId}/deliveries", {
      params: { path: { endpointId }, query: { status: "failed" } },
    });
    expect(failed.data!.deliveries).toHaveLength(1);
    const original = failed.data!.deliveries[0]!;
    expect(original).toMatchObject({ eventType: "consent.granted", status: "failed", attempts: 25 });

    const replay = () =>
      managerApi.POST("/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/replay", {
        params: {
          path: { endpointId, deliveryId: original.id },
          header: { "Idempotency-Key": `replay-${original.id}` },
        },
      });
    const first = await replay();
    const again = await replay();
    expect(first.response.status).toBe(202);
    expect(again.response.status).toBe(202);
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.data).toEqual(first.data);
    expect(first.data!.delivery).toMatchObject({
      status: "pending",
      replayOf: original.id,
      messageId: original.messageId,
    });
    expect(await db().webhookDelivery.count({ where: { endpointId } })).toBe(2);

    await deliverWebhooks();
    const all = await managerApi.GET("/api/v1/webhooks/{endpointId}/deliveries", { params: { path: { endpointId } } });
    expect(all.data!.deliveries.map((delivery) => [delivery.status, delivery.replayOf])).toEqual([
      ["delivered", original.id],
      ["failed", null],
    ]);
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(original.messageId);

    // A delivery named under another endpoint, and an endpoint that does not exist: 404.
    const other = await managerApi.POST("/api/v1/webhooks", {
      body: { url: receiver.url, events: ["policy.published"] },
    });
    const crossed = await managerApi.POST("/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/replay", {
      params: { path: { endpointId: other.data!.endpoint.id, deliveryId: original.id } },
    });
    expect(crossed.response.status).toBe(404);
    const missing = await managerApi.GET("/api/v1/webhooks/{endpointId}/deliveries", {
      params: { path: { endpointId: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(missing.error).toMatchObject({ code: "not_found", status: 404 });
  });

  it("registering is idempotent: the same key and body give the same endpoint (its secret not stored, so null), another body 409", async () => {
    const key = "register-crm-0001";
    const before = await db().webhookEndpoint.count();
    const body = { url: `${receiver.url}idem`, events: ["subject.erased" as const] };
    const first = await managerApi.POST("/api/v1/webhooks", { body, params: { header: { "Idempotency-Key": key } } });
    const retries = await Promise.all(
      [1, 2, 3].map(() =>
        managerApi.POST("/api/v1/webhooks", { body, params: { header: { "Idempotency-Key": key } } }),
      ),
    );
    expect(first.response.status).toBe(201);
    expect(first.data!.secret).toMatch(/^whsec_/);
    for (const retry of retries) {
      expect(retry.response.status).toBe(201);
      expect(retry.response.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.data).toEqual({ ...first.data, secret: null });
    }
    expect(await db().webhookEndpoint.count()).toBe(before + 1);
    const stored = await db().apiIdempotencyKey.findUnique({
      where: { clientId_key: { clientId: manager.clientId, key } },
    });
    expect(stored!.response).not.toContain("whsec_");

    const conflict = await managerApi.POST("/api/v1/webhooks", {
      body: { ...body, events: ["policy.published"] },
      params: { header: { "Idempotency-Key": key } },
    });
    expect(conflict.response.status).toBe(409);
    expect(conflict.error).toMatchObject({ code: "idempotency_conflict", field: "Idempotency-Key" });
  });

  it("names the field and reason of a refused registration (RFC 9457)", async () => {
    const refused = await managerApi.POST("/api/v1/webhooks", {
      body: { url: "ftp://example.com/hooks", events: [] },
    });
    expect(refused.response.status).toBe(422);
    expect(refused.response.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.error!.issues!.map((issue) => issue.field).sort()).toEqual(["events", "url"]);
  });
});

describe("the legacy import through the API", () => {
  const line = (id: string, consent: unknown) =>
    JSON.stringify({ user_id: id, email: `${id.replace(/\W/g, ".")}@example.com`, user_metadata: { consent } });
  const upload = [
    line("auth0|api-import-1", { given: true, date: "03/14/2024", text_details: "https://example.com/terms-v1" }),
    "{not json",
    line("auth0|api-import-2", { given: true, date: "13/45/2024" }),
    line("auth0|api-import-3", { given: false, date: "2024-05-01" }),
  ].join("\n");

  const send = (api: ReturnType<typeof createConsentApiClient>, text: string) =>
    api.POST("/api/v1/imports/legacy-consents", {
      body: text,
      bodySerializer: (body) => body,
      headers: { "content-type": "application/x-ndjson" },
    });

  it("needs consent:import: a writing client cannot import", async () => {
    const refused = await send(writerApi, upload);
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: "insufficient_scope" });
    expect(await db().subject.count({ where: { auth0UserId: "auth0|api-import-1" } })).toBe(0);
  });

  it("imports an NDJSON upload as migration events, reports rejected lines with reasons, and a second upload appends nothing", async () => {
    const first = await send(importerApi, upload);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(first.data).toMatchObject({ lines: 4, imported: 2, alreadyImported: 0, rejectedCount: 2 });
    expect(first.data!.rejected).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 3, reason: expect.stringContaining("13/45/2024") as unknown },
    ]);
    const subject = await db().subject.findUnique({ where: { auth0UserId: "auth0|api-import-1" } });
    const events = await db().consentEvent.findMany({ where: { subjectId: subject!.id } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.method === "migration" && event.actorType === "api_client")).toBe(true);
    expect(events[0]!.clientTime!.toISOString()).toBe("2024-03-14T00:00:00.000Z");
    expect(events[0]!.actorReason).toContain("text_details: https://example.com/terms-v1");

    // Resumable: the same file again (as after a cut-off upload) appends nothing.
    const count = await db().consentEvent.count();
    const second = await send(importerApi, upload);
    expect(second.data).toMatchObject({ lines: 4, imported: 0, alreadyImported: 2, events: 0, rejectedCount: 2 });
    expect(await db().consentEvent.count()).toBe(count);
    const logged = await db().accessLog.findFirst({
      where: { action: "api.consent.import" },
      orderBy: { at: "desc" },
    });
    expect(logged).toMatchObject({
      actorType: "api_client",
      detail: expect.objectContaining({ alreadyImported: 2 }) as unknown,
    });
  });
});
