import { describe, expect, it } from "vitest";
import { retryDelayMs, type RetryPolicy } from "./retrying-fetch";

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };
const now = 1_800_000_000_000;
const base = { policy, idempotent: true, now, rateLimitReset: null };

describe("retryDelayMs", () => {
  it("waits for a 429 until x-ratelimit-reset, plus bounded jitter", () => {
    const reset = String(now / 1000 + 2);
    expect(retryDelayMs({ ...base, status: 429, rateLimitReset: reset, attempt: 1, random: () => 0 })).toBe(2_000);
    expect(retryDelayMs({ ...base, status: 429, rateLimitReset: reset, attempt: 1, random: () => 0.999 })).toBe(2_200);
  });

  it("retries a 429 whose reset is already past almost at once", () => {
    const reset = String(now / 1000 - 5);
    expect(retryDelayMs({ ...base, status: 429, rateLimitReset: reset, attempt: 1, random: () => 0.5 })).toBe(100);
  });

  it("gives a 429 back to the caller when the reset is further away than maxDelayMs", () => {
    const reset = String(now / 1000 + 60);
    expect(retryDelayMs({ ...base, status: 429, rateLimitReset: reset, attempt: 1, random: () => 0 })).toBeNull();
  });

  it("backs off exponentially with jitter on 5xx, capped at maxDelayMs", () => {
    const delays = [1, 2, 3].map((attempt) => retryDelayMs({ ...base, status: 503, attempt, random: () => 1 }));
    expect(delays).toEqual([200, 400, 800]);
    expect(retryDelayMs({ ...base, status: 502, attempt: 1, random: () => 0 })).toBe(100);
    const capped = retryDelayMs({
      ...base,
      policy: { ...policy, maxAttempts: 20 },
      status: 500,
      attempt: 10,
      random: () => 1,
    });
    expect(capped).toBe(5_000);
  });

  it("does not repeat a non-idempotent request after a 5xx, but does after a 429", () => {
    expect(retryDelayMs({ ...base, idempotent: false, status: 503, attempt: 1, random: () => 0 })).toBeNull();
    expect(
      retryDelayMs({
        ...base,
        idempotent: false,
        status: 429,
        rateLimitReset: String(now / 1000),
        attempt: 1,
        random: () => 0,
      }),
    ).toBe(0);
  });

  it("stops after maxAttempts and never retries other statuses", () => {
    expect(retryDelayMs({ ...base, status: 503, attempt: 4, random: () => 0 })).toBeNull();
    for (const status of [200, 204, 400, 401, 403, 404, 409]) {
      expect(retryDelayMs({ ...base, status, attempt: 1, random: () => 0 })).toBeNull();
    }
  });
});
