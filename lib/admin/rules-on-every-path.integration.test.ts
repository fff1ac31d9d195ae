// Rules that hold whichever way a change arrives (issue 13, point 8; ADR 035): staff roles
// changed through the Management API proxy, withdrawals of what was never given, and sign-up
// answers for an address that is taken.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAdminChanges } from "@/lib/admin/read-admin-changes";
import { handleMgmtRequest } from "@/lib/compliance/mgmt-proxy/handle-mgmt-request";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { appErrorAnswer } from "@/lib/http/error-response";
import { signUpWithConsent } from "@/lib/identity/sign-up-with-consent";
import { declineTerms } from "@/lib/subjects/decline-terms";
import { adminActor, PERSON, personActor } from "@/test/actors";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { startPortalTenant, TEST_PASSWORD, type TestTenant } from "@/test/emulator";
import { TEST_ENV } from "@/test/test-env";
import { DATABASE_CONNECTION } from "@/emulator/store";

let tenant: TestTenant;
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "delete:users", "delete:sessions"],
  });
  process.env.AUTH0_DOMAIN = tenant.origin;
  policies = await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

/** What the proxy answers (a refusal rendered as defineStaffRoute renders it). */
function proxy(actorId: string, method: string, userId: string, body?: unknown) {
  return handleMgmtRequest(adminActor(actorId), {
    method,
    segments: ["users", userId],
    query: new URLSearchParams(),
    contentType: body === undefined ? null : "application/json",
    body: body === undefined ? null : new Response(JSON.stringify(body)).body,
  }).catch((error: unknown) => {
    if (error instanceof AppError) return appErrorAnswer("auth0", error);
    throw error;
  });
}

async function rolesInAuth0(userId: string): Promise<unknown> {
  const user = await tenant.api<{ app_metadata?: { roles?: unknown } }>(
    "GET",
    `/api/v2/users/${encodeURIComponent(userId)}`,
  );
  return user.body.app_metadata?.roles;
}

describe("staff roles through the Management API proxy", () => {
  it("keep the last admin, and every change is in the admin change log", async () => {
    const only = await tenant.createUser(`only.${randomUUID().slice(0, 6)}@example.com`, {
      app_metadata: { roles: ["compliance", "admin"] },
    });

    // Removing the role, blocking, flagging deleted or deleting the last admin: all refused.
    for (const [method, body] of [
      ["PATCH", { app_metadata: { roles: [] } }],
      ["PATCH", { blocked: true }],
      ["PATCH", { app_metadata: { deleted: true } }],
      ["DELETE", undefined],
    ] as const) {
      const answer = await proxy(only.user_id, method, only.user_id, body);
      expect(answer).toMatchObject({ status: 409, body: { errorCode: "last_admin" } });
    }
    expect(await rolesInAuth0(only.user_id)).toEqual(["compliance", "admin"]);
    expect(
      (await tenant.api<{ blocked?: boolean }>("GET", `/api/v2/users/${encodeURIComponent(only.user_id)}`)).body
        .blocked,
    ).not.toBe(true);
    expect(await readAdminChanges(["role.grant", "role.revoke"])).toEqual([]);

    // Once there is a second admin (made through the proxy, and logged), the first may step down.
    const second = await tenant.createUser(`second.${randomUUID().slice(0, 6)}@example.com`);
    const granted = await proxy(only.user_id, "PATCH", second.user_id, {
      app_metadata: { roles: ["compliance", "admin"] },
    });
    expect(granted.status).toBe(200);
    const revoked = await proxy(only.user_id, "PATCH", only.user_id, { app_metadata: { roles: ["compliance"] } });
    expect(revoked.status).toBe(200);
    expect(await rolesInAuth0(only.user_id)).toEqual(["compliance"]);

    const log = await readAdminChanges(["role.grant", "role.revoke"]);
    expect(log.map((change) => [change.action, change.actorId, change.target, change.before, change.after])).toEqual(
      expect.arrayContaining([
        ["role.grant", only.user_id, second.user_id, [], ["compliance", "admin"]],
        ["role.revoke", only.user_id, only.user_id, ["compliance", "admin"], ["compliance"]],
      ]),
    );
    expect(log).toHaveLength(2);
  });

  it("refuses roles that are not a list of names, before anything changes", async () => {
    const user = await tenant.createUser(`shape.${randomUUID().slice(0, 6)}@example.com`);
    const answer = await proxy("auth0|any-admin", "PATCH", user.user_id, { app_metadata: { roles: "admin" } });
    expect(answer).toMatchObject({ status: 400 });
    expect(await rolesInAuth0(user.user_id)).toEqual(undefined);
  });
});

describe("withdrawing", () => {
  it("a consent that is not given, or a purpose that does not exist, is refused and records nothing", async () => {
    const subject = await newSignedUpSubject("nothing-given", ["terms", "analytics"]);
    const person = personActor(subject.auth0UserId!);
    const before = await readConsentStatus(subject.id);
    const events = await db().consentEvent.count({ where: { subjectId: subject.id } });

    const notGiven = await withdrawConsent(
      { subjectId: subject.id, purposes: ["marketing-email"], method: "portal" },
      person,
    ).catch((error: unknown) => error);
    expect(notGiven).toMatchObject({ code: "conflict", status: 409, field: "purposes" });
    const unknown = await withdrawConsent(
      { subjectId: subject.id, purposes: ["no-such-purpose"], method: "portal" },
      person,
    ).catch((error: unknown) => error);
    expect(unknown).toMatchObject({ code: "validation_failed", status: 422 });
    // Declining an optional purpose never given does not close the account either.
    const declined = await declineTerms(
      { subject, purpose: "marketing-email", context: {}, idempotencyKey: randomUUID() },
      person,
    ).catch((error: unknown) => error);
    expect(declined).toMatchObject({ code: "conflict" });

    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(events);
    expect(await db().outboxMessage.count({ where: { subjectId: subject.id, kind: { not: "sync_consent" } } })).toBe(0);
    expect(await readConsentStatus(subject.id)).toEqual(before);
  });
});

describe("sign-up for a taken address", () => {
  it("says only what Auth0's own sign-up says (the address is taken), whatever the account's state", async () => {
    const input = (email: string) => ({
      email,
      password: "Correct-horse-battery-9",
      acceptTerms: "on" as const,
      purposes: [],
      policyVersionIds: [policies.termsId, policies.privacyId],
      idempotencyKey: randomUUID(),
      context: {},
    });
    // Verified: an account nobody verified gets its link again instead (ADR 040, email-confirmation tests).
    const states = {
      active: { email_verified: true },
      blocked: { blocked: true },
      closed: { app_metadata: { deleted: true } },
    };
    const answers: Record<string, unknown> = {};
    for (const [state, extra] of Object.entries(states)) {
      const email = `${state}.${randomUUID().slice(0, 6)}@example.com`;
      const user = await tenant.createUser(email);
      if (Object.keys(extra).length) {
        await tenant.api("PATCH", `/api/v2/users/${encodeURIComponent(user.user_id)}`, { body: extra });
      }
      const error = await signUpWithConsent(input(email), PERSON).catch((thrown: unknown) => thrown);
      answers[state] = error instanceof AppError ? appErrorAnswer("portal", error) : error;
      // Auth0's Authentication API itself answers `user_exists` to anyone holding the public client id.
      const direct = await fetch(`${tenant.origin}/dbconnections/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_id: TEST_ENV.AUTH0_CLIENT_ID,
          email,
          password: TEST_PASSWORD,
          connection: DATABASE_CONNECTION,
        }),
      });
      expect(((await direct.json()) as { code?: string }).code).toBe("user_exists");
    }
    expect(answers.blocked).toEqual(answers.active);
    expect(answers.closed).toEqual(answers.active);
    expect(answers.active).toMatchObject({ status: 409, body: { error: { field: "email" } } });
  });
});
