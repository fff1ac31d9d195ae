// Rate limits (ADR 035): counted in PostgreSQL, so every portal instance shares them; past the
// allowance a 429 with Retry-After, and nothing is created.
import { randomUUID } from "node:crypto";
import { text } from "node:stream/consumers";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleMgmtRequest } from "@/lib/compliance/mgmt-proxy/handle-mgmt-request";
import { createStaffApiToken } from "@/lib/compliance/staff-api-tokens/create-staff-api-token";
import { revokeStaffApiToken } from "@/lib/compliance/staff-api-tokens/revoke-staff-api-token";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { closeExportPool } from "@/lib/exports/export-pool";
import { startLedgerDownload } from "@/lib/exports/start-ledger-download";
import { appErrorAnswer } from "@/lib/http/error-response";
import { markSocketPeerServer, SOCKET_PEER_HEADER } from "@/lib/http/socket-peer";
import { signUpWithConsent } from "@/lib/identity/sign-up-with-consent";
import { adminActor, PERSON, staffActor } from "@/test/actors";
import { seedCatalog } from "@/test/consent-fixtures";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { limitSignInStart } from "./limit-sign-in";
import { RATE_LIMITS } from "./rate-limits";

let tenant: TestTenant;
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: ["read:users", "delete:users"] });
  process.env.AUTH0_DOMAIN = tenant.origin;
  policies = await seedCatalog();
});

afterAll(async () => {
  await closeExportPool();
  await tenant?.close();
});

/** The thrown refusal as the portal answers it over HTTP. */
async function refusal(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return appErrorAnswer("portal", error);
}

const signUpInput = (email: string, ip: string, policyVersionIds = [policies.termsId, policies.privacyId]) => ({
  email,
  password: "Correct-horse-battery-9",
  acceptTerms: "on" as const,
  purposes: [],
  policyVersionIds,
  idempotencyKey: randomUUID(),
  context: { ip, userAgent: "test" },
});

describe("sign-up", () => {
  it("allows 10 attempts an hour from one address, then answers 429 with Retry-After and creates nothing", async () => {
    const ip = "203.0.113.50";
    // Refused forms count too: an attempt is an attempt (these stop before Auth0).
    for (let attempt = 0; attempt < RATE_LIMITS.signUpPerIp.points; attempt += 1) {
      const stale = signUpInput(`ip.${attempt}.${randomUUID().slice(0, 6)}@example.com`, ip, [randomUUID()]);
      await expect(signUpWithConsent(stale, PERSON)).rejects.toMatchObject({ code: "policy_outdated" });
    }
    const email = `ip.late.${randomUUID().slice(0, 6)}@example.com`;
    const answer = await refusal(signUpWithConsent(signUpInput(email, ip), PERSON));
    expect(answer.status).toBe(429);
    expect(Number(answer.headers?.["retry-after"])).toBeGreaterThan(3500);
    expect(tenant.emulator.store.findUserByEmail(email)).toBeUndefined();
    // Shared by every instance: the count is a row in PostgreSQL.
    expect(await db().rateLimit.findUnique({ where: { key: `signUpPerIp:${ip}` } })).toMatchObject({ points: 11 });
    // Another address is not affected.
    await signUpWithConsent(signUpInput(`ip.other.${randomUUID().slice(0, 6)}@example.com`, "198.51.100.7"), PERSON);
  });

  it("allows 3 attempts an hour for one email address, from any address, keyed without the address itself", async () => {
    const email = `Target.${randomUUID().slice(0, 6)}@example.com`;
    for (let attempt = 0; attempt < RATE_LIMITS.signUpPerEmail.points; attempt += 1) {
      const stale = signUpInput(email, `192.0.2.${attempt + 1}`, [randomUUID()]);
      await expect(signUpWithConsent(stale, PERSON)).rejects.toMatchObject({ code: "policy_outdated" });
    }
    const answer = await refusal(signUpWithConsent(signUpInput(email.toLowerCase(), "192.0.2.99"), PERSON));
    expect(answer).toMatchObject({ status: 429, body: { error: { code: "too_many_requests" } } });
    const keys = (await db().rateLimit.findMany({ select: { key: true } })).map((row) => row.key);
    expect(keys.some((key) => key.toLowerCase().includes(email.toLowerCase()))).toBe(false);
  });
});

describe("sign-in", () => {
  it("allows 60 sign-ins started from one address in 10 minutes, then a 429 page with Retry-After", async () => {
    markSocketPeerServer();
    const start = (peer: string) =>
      limitSignInStart(
        new NextRequest("http://localhost:3999/auth/login", { headers: { [SOCKET_PEER_HEADER]: peer } }),
      );
    for (let attempt = 0; attempt < RATE_LIMITS.signInPerIp.points; attempt += 1) {
      expect(await start("203.0.113.60")).toBeNull();
    }
    const limited = await start("203.0.113.60");
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(500);
    expect(await limited?.text()).toMatch(/Too many sign-in attempts/);
    expect(await start("203.0.113.61")).toBeNull();
  });
});

describe("staff", () => {
  it("may create 10 API tokens an hour, then 429 with Retry-After", async () => {
    const owner = staffActor(`auth0|tokens-${randomUUID().slice(0, 6)}`);
    for (let created = 0; created < RATE_LIMITS.tokenCreationPerUser.points; created += 1) {
      const { id } = await createStaffApiToken(
        { label: `script ${created}`, role: "compliance", expiresInDays: 1 },
        owner,
      );
      await revokeStaffApiToken({ tokenId: id }, owner);
    }
    const answer = await refusal(
      createStaffApiToken({ label: "one more", role: "compliance", expiresInDays: 1 }, owner),
    );
    expect(answer.status).toBe(429);
    expect(answer.headers?.["retry-after"]).toMatch(/^\d+$/);
    expect(await db().staffApiToken.count({ where: { ownerId: owner.id } })).toBe(10);
  });

  it("may export 30 times an hour, then 429 and no access-log row for the refused export", async () => {
    const admin = adminActor(`auth0|exports-${randomUUID().slice(0, 6)}`);
    const request = { dataset: "consent_state" as const, format: "csv" as const };
    for (let exported = 0; exported < RATE_LIMITS.exportsPerUser.points; exported += 1) {
      const result = await startLedgerDownload(request, admin);
      if (result.kind === "stream") await text(result.stream);
    }
    const logged = await db().accessLog.count({ where: { actorId: admin.id } });
    const answer = await refusal(startLedgerDownload(request, admin));
    expect(answer.status).toBe(429);
    expect(await db().accessLog.count({ where: { actorId: admin.id } })).toBe(logged);
  });

  it("may call the Management API proxy 120 times a minute, then 429 in Auth0's shape", async () => {
    const caller = staffActor(`auth0|proxy-${randomUUID().slice(0, 6)}`);
    // A path the proxy refuses still counts, and never reaches Auth0.
    const call = () =>
      handleMgmtRequest(caller, {
        method: "GET",
        segments: ["clients"],
        query: new URLSearchParams(),
        contentType: null,
        body: null,
      }).catch((error: unknown) => {
        if (error instanceof AppError) return appErrorAnswer("auth0", error);
        throw error;
      });
    for (let calls = 0; calls < RATE_LIMITS.proxyPerCaller.points; calls += 1) {
      expect((await call()).status).toBe(404);
    }
    const limited = await call();
    expect(limited).toMatchObject({ status: 429, body: { statusCode: 429, errorCode: "too_many_requests" } });
    expect(Number((limited as { headers?: Record<string, string> }).headers?.["retry-after"])).toBeGreaterThan(0);
  });
});
