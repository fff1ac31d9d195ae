// Auth0's brute-force protection and suspicious-IP throttling at the emulator's login page.
import { describe, expect, it } from "vitest";
import { loginThroughBrowserFlow, tenantForEachTest, TEST_PASSWORD, type TestTenant } from "../test/emulator.js";
import { BruteForceProtection, IP_FAILURES_PER_HOUR, USER_BLOCK_THRESHOLD } from "./brute-force.js";

let tenant: TestTenant;
tenantForEachTest({}, (started) => (tenant = started));

// Each login hashes a password (scrypt): a dozen of them take longer than a unit test's default.
describe("the login page", { timeout: 30_000 }, () => {
  it("blocks a user after 10 wrong passwords from one address, the right one included, until unblocked", async () => {
    const user = await tenant.createUser("target@example.com");
    for (let attempt = 0; attempt < USER_BLOCK_THRESHOLD; attempt += 1) {
      const wrong = await loginThroughBrowserFlow(tenant, "target@example.com", `wrong-${attempt}`);
      expect(wrong.formStatus).toBe(401);
    }
    const blocked = await loginThroughBrowserFlow(tenant, "target@example.com", TEST_PASSWORD);
    expect(blocked.formStatus).toBe(429);
    expect(blocked.formHtml).toContain("Your account has been blocked after multiple consecutive login attempts");
    expect(blocked.callback).toBeUndefined();

    const blocks = await tenant.api<{ blocked_for: Array<{ identifier: string; ip: string }> }>(
      "GET",
      `/api/v2/user-blocks/${encodeURIComponent(user.user_id)}`,
    );
    expect(blocks.body.blocked_for).toEqual([expect.objectContaining({ identifier: "target@example.com" })]);
    expect((await tenant.api("DELETE", `/api/v2/user-blocks/${encodeURIComponent(user.user_id)}`)).status).toBe(204);

    const unblocked = await loginThroughBrowserFlow(tenant, "target@example.com", TEST_PASSWORD);
    expect(unblocked.callback?.pathname).toBe("/auth/callback");
  });

  it("resets the count on a successful login", async () => {
    await tenant.createUser("forgetful@example.com");
    for (let attempt = 0; attempt < USER_BLOCK_THRESHOLD - 1; attempt += 1) {
      await loginThroughBrowserFlow(tenant, "forgetful@example.com", "wrong");
    }
    expect((await loginThroughBrowserFlow(tenant, "forgetful@example.com", TEST_PASSWORD)).callback).toBeDefined();
    expect((await loginThroughBrowserFlow(tenant, "forgetful@example.com", "wrong")).formStatus).toBe(401);
    expect((await loginThroughBrowserFlow(tenant, "forgetful@example.com", TEST_PASSWORD)).callback).toBeDefined();
  });
});

describe("suspicious IP throttling", () => {
  it("refuses an address after 100 failures in an hour, with Retry-After, and lets it in again after the hour", () => {
    let now = 1_000_000;
    const protection = new BruteForceProtection(() => now);
    for (let attempt = 0; attempt < IP_FAILURES_PER_HOUR; attempt += 1) {
      expect(protection.check("198.51.100.1", undefined)).toEqual({ allowed: true });
      protection.recordFailure("198.51.100.1", undefined);
    }
    now += 600_000;
    expect(protection.check("198.51.100.1", undefined)).toEqual({
      allowed: false,
      reason: "ip_throttled",
      retryAfterSeconds: 3000,
    });
    expect(protection.check("198.51.100.2", undefined)).toEqual({ allowed: true });
    now += 3_000_000;
    expect(protection.check("198.51.100.1", undefined)).toEqual({ allowed: true });
  });
});
