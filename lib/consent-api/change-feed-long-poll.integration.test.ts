// Long polling of the change feed (ADR 033): a read with `wait` answers as soon as an event after
// its cursor is in the transparency log, or empty once the wait is over; through the typed client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsentApiClient } from "@/lib/api-client/consent-api-client";
import { registerApiClient } from "@/lib/admin/register-api-client";
import { integrateQueuedLeaves } from "@/lib/transparency/integrate-queued-leaves";
import { adminActor } from "@/test/actors";
import { API_BASE_URL, apiRoutesFetch } from "@/test/api-routes";
import { newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import { PORTAL_API, startPortalTenant, type TestTenant } from "@/test/emulator";

const ADMIN = adminActor("auth0|feed-admin");
let tenant: TestTenant;
let api: ReturnType<typeof createConsentApiClient>;

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "create:clients", "delete:clients", "create:client_grants"],
  });
  process.env.AUTH0_DOMAIN = tenant.origin;
  await seedCatalog();
  const client = await registerApiClient({ name: "Warehouse", scopes: ["events:read"] }, ADMIN);
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
  const token = ((await response.json()) as { access_token: string }).access_token;
  api = createConsentApiClient({ baseUrl: API_BASE_URL, accessToken: token, fetch: apiRoutesFetch });
});

afterAll(async () => {
  await tenant?.close();
});

/** The cursor at the end of the feed now. */
async function endOfFeed(): Promise<number> {
  await integrateQueuedLeaves();
  let after = -1;
  for (;;) {
    const { data } = await api.GET("/api/v1/events", { params: { query: { after, limit: 1000 } } });
    after = data!.nextAfter;
    if (!data!.hasMore) return after;
  }
}

describe("GET /api/v1/events?wait=", () => {
  it("answers as soon as an event after the cursor is in the log, well before the wait is over", async () => {
    const after = await endOfFeed();
    const started = performance.now();
    let answeredAt = 0;
    const waiting = api.GET("/api/v1/events", { params: { query: { after, wait: 20 } } }).then((answer) => {
      answeredAt = performance.now();
      return answer;
    });
    // Nothing yet: the read is still waiting after the log has been looked at a few times.
    await integrateQueuedLeaves();
    expect(answeredAt).toBe(0);

    const subject = await newSubject("long-poll");
    await signUp(subject.id, ["terms"]);
    const committedAt = performance.now();
    await integrateQueuedLeaves();
    const { data, response } = await waiting;
    expect(response.status).toBe(200);
    expect(data!.events.length).toBeGreaterThan(0);
    expect(data!.events.every((event) => event.logIndex > after)).toBe(true);
    expect(data!.events.map((event) => event.subjectId)).toContain(subject.id);
    expect(answeredAt).toBeGreaterThanOrEqual(committedAt);
    // Answered within a few poll intervals of the integration, not at the end of the 20 s wait.
    expect(answeredAt - started).toBeLessThan(15_000);
  });

  it("answers an empty page once the wait is over when nothing comes, with the same cursor", async () => {
    const after = await endOfFeed();
    const started = performance.now();
    const { data } = await api.GET("/api/v1/events", { params: { query: { after, wait: 1 } } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(data).toEqual({ events: [], nextAfter: after, hasMore: false });
  });

  it("answers at once when events are already there, and refuses a wait over 30 s", async () => {
    const started = performance.now();
    const { data } = await api.GET("/api/v1/events", { params: { query: { after: -1, limit: 1, wait: 30 } } });
    expect(data!.events).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(5_000);
    const refused = await api.GET("/api/v1/events", { params: { query: { wait: 31 } } });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ code: "bad_request", field: "wait" });
  });
});
