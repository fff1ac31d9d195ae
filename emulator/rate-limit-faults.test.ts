// Rate limiting (token bucket, x-ratelimit-* headers, 429) and fault injection, set by
// options and switched at run time over HTTP (/__emulator/faults, /__emulator/rate-limit).
import { afterEach, describe, expect, it } from "vitest";
import { FaultInjector } from "./faults.js";
import { TokenBucket } from "./rate-limit.js";
import { MGMT, startTestTenant, type TestTenant } from "../test/emulator.js";

let tenant: TestTenant | undefined;
afterEach(async () => {
  await tenant?.close();
  tenant = undefined;
});

async function open(overrides: Parameters<typeof startTestTenant>[0] = {}): Promise<TestTenant> {
  tenant = await startTestTenant(overrides);
  return tenant;
}

function rateHeaders(headers: Headers) {
  return {
    limit: headers.get("x-ratelimit-limit"),
    remaining: headers.get("x-ratelimit-remaining"),
    reset: headers.get("x-ratelimit-reset"),
  };
}

async function control(t: TestTenant, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.origin}/__emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("rate limit", () => {
  it("sends x-ratelimit-* on every Management API response, errors included", async () => {
    const t = await open();
    const token = await t.token();
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const response of [
      await t.api("GET", "/api/v2/users", { token }),
      await t.api("GET", "/api/v2/users", { token: null }),
      await t.api("GET", "/api/v2/users/auth0%7Cnobody", { token }),
      await t.api("GET", "/api/v2/nothing-here", { token }),
    ]) {
      const headers = rateHeaders(response.headers);
      expect(headers.limit).toBe("100");
      expect(Number(headers.remaining)).toBeGreaterThanOrEqual(90);
      expect(Number(headers.reset)).toBeGreaterThanOrEqual(nowSeconds);
    }
  });

  it("answers 429 with Auth0's body once the bucket is empty", async () => {
    const t = await open({ rateLimit: { limit: 3, refillPerSecond: 0.001 } });
    const token = await t.token();
    const statuses: number[] = [];
    const remaining: Array<string | null> = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await t.api("GET", "/api/v2/users", { token });
      statuses.push(response.status);
      remaining.push(response.headers.get("x-ratelimit-remaining"));
      if (response.status === 429) {
        expect(response.body).toEqual({
          statusCode: 429,
          error: "Too Many Requests",
          message: "Global limit has been reached",
          errorCode: "too_many_requests",
        });
        expect(Number(response.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(["2", "1", "0", "0"]);
  });

  it("is reconfigured at run time with POST /__emulator/rate-limit and reset with DELETE", async () => {
    const t = await open();
    const token = await t.token();
    expect(await control(t, "POST", "rate-limit", { limit: 1, refillPerSecond: 0.001 })).toEqual({
      status: 200,
      body: { enabled: true, limit: 1, refillPerSecond: 0.001 },
    });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(200);
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(429);
    expect((await control(t, "DELETE", "rate-limit")).body).toEqual({ enabled: true, limit: 100, refillPerSecond: 50 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(200);
    expect((await control(t, "POST", "rate-limit", { limit: 0 })).status).toBe(400);
    expect((await control(t, "POST", "rate-limit", { burst: 5 })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/Additional properties not allowed: burst/) as unknown,
    });
  });

  it("can be switched off: every request passes, headers still sent", async () => {
    const t = await open({ rateLimit: { enabled: false, limit: 1 } });
    const token = await t.token();
    for (let index = 0; index < 3; index += 1) {
      const response = await t.api("GET", "/api/v2/users", { token });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-ratelimit-limit")).toBe("1");
    }
  });
});

describe("token bucket", () => {
  it("refills at the configured rate and reports when it is full again", () => {
    let now = 1_000_000;
    const bucket = new TokenBucket({ limit: 2, refillPerSecond: 1 }, () => now);
    expect(bucket.take()).toEqual({ allowed: true, limit: 2, remaining: 1, reset: 1001 });
    expect(bucket.take()).toMatchObject({ allowed: true, remaining: 0, reset: 1002 });
    expect(bucket.take()).toMatchObject({ allowed: false, remaining: 0 });
    now += 500;
    expect(bucket.take().allowed).toBe(false);
    now += 500;
    expect(bucket.take()).toMatchObject({ allowed: true, remaining: 0 });
    now += 10_000;
    expect(bucket.take()).toMatchObject({ allowed: true, remaining: 1 });
  });
});

describe("fault injection", () => {
  it("adds latency", async () => {
    const t = await open({ faults: { latencyMs: 150 } });
    const token = await t.token();
    const started = performance.now();
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers a share of requests with 5xx (errorRate 1 → all), marked x-emulator-fault", async () => {
    const t = await open({ faults: { errorRate: 1, errorStatus: 502 } });
    const response = await t.api("GET", "/api/v2/users");
    expect(response.status).toBe(502);
    expect(response.body).toEqual({
      statusCode: 502,
      error: "Bad Gateway",
      message: "The service is temporarily unavailable",
      errorCode: "service_unavailable",
    });
    expect(response.headers.get("x-emulator-fault")).toBe("502");
    expect(response.headers.get("x-ratelimit-limit")).toBe("100");
  });

  it("forces 429s whatever the bucket holds", async () => {
    const t = await open({ faults: { rateLimitRate: 1 } });
    const response = await t.api("GET", "/api/v2/users");
    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ errorCode: "too_many_requests" });
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(response.headers.get("x-emulator-fault")).toBe("429");
  });

  it("is switched at run time over HTTP: failNext counts down, DELETE restores the start-up setting", async () => {
    const t = await open();
    const token = await t.token();
    expect((await control(t, "GET", "faults")).body).toMatchObject({
      latencyMs: 0,
      errorRate: 0,
      failNext: 0,
      paths: ["/api/v2/"],
    });
    const set = await control(t, "POST", "faults", { failNext: 2, errorStatus: 500 });
    expect(set.body).toMatchObject({ failNext: 2, errorStatus: 500 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(500);
    expect((await control(t, "GET", "faults")).body).toMatchObject({ failNext: 1 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(500);
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(200);

    await control(t, "POST", "faults", { rateLimitNext: 1 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(429);
    await control(t, "POST", "faults", { errorRate: 1 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(503);
    expect((await control(t, "DELETE", "faults")).body).toMatchObject({ errorRate: 0 });
    expect((await t.api("GET", "/api/v2/users", { token })).status).toBe(200);
  });

  it("rejects a bad control body with a clear error", async () => {
    const t = await open();
    expect((await control(t, "POST", "faults", { errorRate: 2 })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/errorRate/) as unknown,
    });
    expect((await control(t, "POST", "faults", { errorStatus: 418 })).status).toBe(400);
    expect((await control(t, "POST", "faults", { chaos: true })).body).toMatchObject({
      message: expect.stringMatching(/Additional properties not allowed: chaos/) as unknown,
    });
    expect((await control(t, "GET", "nothing")).status).toBe(404);
  });

  it("reaches the token and signup endpoints only when their paths are listed", async () => {
    const t = await open({ faults: { errorRate: 1, paths: ["/oauth/token", "/dbconnections/signup"] } });
    const token = await fetch(`${t.origin}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "client_credentials",
        client_id: MGMT.clientId,
        client_secret: MGMT.clientSecret,
        audience: t.emulator.managementAudience,
      }),
    });
    expect(token.status).toBe(503);
    expect(await token.json()).toEqual({
      error: "server_error",
      error_description: "The service is temporarily unavailable",
    });
    const signup = await fetch(`${t.origin}/dbconnections/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(signup.status).toBe(503);
    // /api/v2 is not listed, so it is untouched (the token comes from the in-process signer).
    const direct = await t.emulator.managementTokens.sign(MGMT.clientId, MGMT.scopes);
    expect((await t.api("GET", "/api/v2/users", { token: direct })).status).toBe(200);
  });

  it("shows the official SDK a 429 it can retry after x-ratelimit-reset", async () => {
    const t = await open();
    const failing = t.managementClient({ maxRetries: 0 });
    t.emulator.faults.configure({ rateLimitNext: 1 });
    await expect(failing.users.list()).rejects.toMatchObject({ statusCode: 429 });
    // With retries (the SDK waits until x-ratelimit-reset, about a second), the next attempt succeeds.
    const retrying = t.managementClient({ maxRetries: 1 });
    await retrying.users.list(); // fetches its token first, so the fault hits the API call
    t.emulator.faults.configure({ rateLimitNext: 1 });
    const page = await retrying.users.list();
    expect(page.data).toEqual([]);
  });

  it("decides deterministically with an injected random source", () => {
    const values = [0.1, 0.9];
    const faults = new FaultInjector({ errorRate: 0.5 }, () => values.shift() ?? 1);
    expect(faults.decide()).toEqual({ kind: "error", status: 503 });
    expect(faults.decide()).toEqual({ kind: "none" });
    expect(faults.appliesTo("/api/v2/users")).toBe(true);
    expect(faults.appliesTo("/oauth/token")).toBe(false);
  });
});
