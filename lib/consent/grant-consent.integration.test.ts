import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { sha256Hex } from "@/lib/crypto/sha256";
import { verifySubjectChain } from "@/lib/ledger/verify-subject-chain";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { grantConsent } from "./grant-consent";
import { readConsentHistory } from "./read-consent-history";
import { readConsentStatus } from "./read-consent-status";
import { rebuildConsentState } from "./rebuild-consent-state";
import { newSubject, seedCatalog, signUp as signUpAtCurrentVersions } from "@/test/consent-fixtures";
import { withdrawConsent } from "./withdraw-consent";
import { PERSON, staffActor, systemActor } from "@/test/actors";

let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  policies = await seedCatalog();
});

const context = {
  ip: "203.0.113.77",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
  clientTime: "2026-11-23T09:15:00.123+01:00",
};

/** Signs up under the versions in force now (another test may publish a newer one), with a request context. */
const signUp = (subjectId: string, purposes: string[], extra: Partial<Parameters<typeof grantConsent>[0]> = {}) =>
  signUpAtCurrentVersions(subjectId, purposes, { context, ...extra });

async function errorOf(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("grantConsent", () => {
  it("records each purpose with the version shown, its text hash, minimised request facts, and an outbox row", async () => {
    const subject = await newSubject();
    const { events, replayed } = await signUp(subject.id, ["terms", "analytics"]);
    expect(replayed).toBe(false);
    const terms = await db().policyVersion.findUniqueOrThrow({ where: { id: policies.termsId } });
    expect(events).toHaveLength(2);
    const byPurpose = await Promise.all(
      events.map(
        async (event) =>
          [(await db().purpose.findUniqueOrThrow({ where: { id: event.purposeId! } })).key, event] as const,
      ),
    );
    const termsEvent = byPurpose.find(([key]) => key === "terms")![1];
    expect(termsEvent).toMatchObject({
      action: "granted",
      policyVersionId: policies.termsId,
      policyTextSha256: sha256Hex(terms.text),
      method: "signup",
      actorType: "self",
      actorId: null,
      ipTruncated: "203.0.113.0",
      clientTime: new Date("2026-11-23T08:15:00.123Z"),
    });
    expect(termsEvent.userAgentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(events)).not.toContain("203.0.113.77");
    expect(JSON.stringify(events)).not.toContain("Firefox");
    const outbox = await db().outboxMessage.findMany({ where: { subjectId: subject.id } });
    expect(outbox).toMatchObject([
      { kind: "sync_consent", seq: 2, status: "pending", auth0UserId: subject.auth0UserId },
    ]);
  });

  it("requires every required purpose at sign-up", async () => {
    const subject = await newSubject();
    const error = await errorOf(signUp(subject.id, ["analytics"]));
    expect(isAppError(error, "validation_failed")).toBe(true);
    expect(error).toMatchObject({ field: "purposes", status: 422 });
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
  });

  it("refuses unknown purposes, documents not shown, and staff without a reason", async () => {
    const subject = await newSubject();
    expect(await errorOf(signUp(subject.id, ["terms", "telepathy"]))).toMatchObject({
      code: "validation_failed",
      field: "purposes",
    });
    expect(
      await errorOf(
        grantConsent(
          {
            subjectId: subject.id,
            purposes: ["analytics"],
            policyVersionIds: [policies.termsId],
            method: "portal",
          },
          PERSON,
        ),
      ),
    ).toMatchObject({ code: "validation_failed", field: "policyVersionIds" });
    expect(
      await errorOf(
        grantConsent(
          {
            subjectId: subject.id,
            purposes: ["analytics"],
            policyVersionIds: [policies.privacyId],
            method: "staff",
            reason: "",
          },
          staffActor("auth0|staff"),
        ),
      ),
    ).toMatchObject({ code: "validation_failed", field: "reason" });
  });

  it("records a staff decision with the staff id and reason", async () => {
    const subject = await newSubject();
    const { events } = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["marketing-email"],
        policyVersionIds: [policies.privacyId],
        method: "staff",
        reason: "Written consent received by post, ref 2026-114",
      },
      staffActor("auth0|compliance-1"),
    );
    expect(events[0]).toMatchObject({
      actorType: "staff",
      actorId: "auth0|compliance-1",
      actorReason: "Written consent received by post, ref 2026-114",
    });
  });

  it("records nothing for a purpose already granted under the same version", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms"]);
    const again = await signUp(subject.id, ["terms", "analytics"]);
    expect(again.events).toHaveLength(1);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(2);
  });

  it("replays a multi-purpose request exactly once, also concurrently, and refuses the key with another body", async () => {
    const subject = await newSubject();
    const idempotencyKey = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        signUp(subject.id, ["terms", "analytics", "marketing-email"], { idempotencyKey }),
      ),
    );
    expect(new Set(results.map((result) => result.events.map((event) => event.id).join()))).toHaveProperty("size", 1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(3);
    expect(await db().outboxMessage.count({ where: { subjectId: subject.id } })).toBe(1);
    const conflict = await errorOf(signUp(subject.id, ["terms"], { idempotencyKey }));
    expect(conflict).toMatchObject({ code: "idempotency_conflict", status: 409 });
  });

  it("commits nothing when the caller's transaction fails after the append", async () => {
    const subject = await newSubject();
    await expect(
      db().$transaction(async (tx) => {
        await grantConsent(
          {
            subjectId: subject.id,
            purposes: ["terms"],
            policyVersionIds: [policies.termsId],
            method: "signup",
          },
          PERSON,
          tx,
        );
        throw new Error("the change this consent belonged to failed");
      }),
    ).rejects.toThrow("failed");
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
    expect(await db().outboxMessage.count({ where: { subjectId: subject.id } })).toBe(0);
    expect((await db().subject.findUniqueOrThrow({ where: { id: subject.id } })).lastSeq).toBe(0);
  });

  it("refuses decisions for an erased subject (410)", async () => {
    const subject = await newSubject();
    await eraseSubject({ subjectId: subject.id }, PERSON);
    expect(await errorOf(signUp(subject.id, ["terms"]))).toMatchObject({ code: "subject_erased", status: 410 });
  });
});

describe("withdrawConsent", () => {
  it("withdraws under the version consent was given under, refuses purposes not granted, and shows in status and history", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms", "analytics"]);
    // One purpose not granted refuses the whole request (ADR 035): nothing is recorded.
    await expect(
      withdrawConsent({ subjectId: subject.id, purposes: ["analytics", "product-research"], context }, PERSON),
    ).rejects.toMatchObject({ code: "conflict", field: "purposes" });
    const { events } = await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"], context }, PERSON);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "withdrawn",
      policyVersionId: policies.privacyId,
      method: "portal",
      seq: 3,
    });
    const status = await readConsentStatus(subject.id);
    const answer = Object.fromEntries(status!.purposes.map((row) => [row.purpose.key, row.status]));
    expect(answer).toEqual({
      terms: "granted",
      analytics: "withdrawn",
      "marketing-email": "never",
      "product-research": "never",
    });
    expect(status!.missingRequired).toEqual([]);
    const history = await readConsentHistory(subject.id);
    expect(history.map((entry) => [entry.seq, entry.action, entry.purposeKey, entry.policyVersionLabel])).toEqual([
      [3, "withdrawn", "analytics", "1"],
      [2, "granted", "terms", "1"],
      [1, "granted", "analytics", "1"],
    ]);
  });

  it("queues a flag for Auth0 when the required consent is withdrawn", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms"]);
    await withdrawConsent({ subjectId: subject.id, purposes: ["terms"] }, PERSON);
    const kinds = await db().outboxMessage.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
    expect(kinds.map((message) => message.kind)).toEqual(["sync_consent", "flag_deleted"]);
    expect((await readConsentStatus(subject.id))!.missingRequired).toEqual(["terms"]);
  });
});

describe("policy versions and re-consent", () => {
  it("refuses a grant against a superseded version, and asks for re-consent when the new one requires it", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms", "analytics"]);
    const v2 = await publishPolicyVersion(
      {
        kind: "privacy",
        version: `2-${randomUUID().slice(0, 6)}`,
        title: "Privacy Policy",
        url: "/policies/privacy/2",
        text: "Privacy Policy — version 2. We now also use analytics to improve search.",
        requiresReconsent: true,
      },
      systemActor("test"),
    );
    const status = await readConsentStatus(subject.id);
    const analytics = status!.purposes.find((row) => row.purpose.key === "analytics")!;
    expect(analytics).toMatchObject({ status: "granted", needsReconsent: true });
    expect(status!.needsReconsent).toBe(true);
    expect(status!.currentPolicies.privacy?.id).toBe(v2.id);

    const stale = await errorOf(
      grantConsent(
        {
          subjectId: subject.id,
          purposes: ["marketing-email"],
          policyVersionIds: [policies.privacyId],
          method: "portal",
        },
        PERSON,
      ),
    );
    expect(stale).toMatchObject({ code: "policy_outdated", status: 409 });

    const { events } = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["analytics"],
        policyVersionIds: [v2.id],
        method: "reconsent",
      },
      PERSON,
    );
    expect(events[0]).toMatchObject({ policyVersionId: v2.id, method: "reconsent" });
    expect((await readConsentStatus(subject.id))!.needsReconsent).toBe(false);
    expect(await verifySubjectChain(subject.id)).toMatchObject({ ok: true });
  });
});

describe("rebuildConsentState", () => {
  it("reproduces the projection from the events, and repairs a damaged one", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms", "analytics", "marketing-email"]);
    await withdrawConsent({ subjectId: subject.id, purposes: ["marketing-email"] }, PERSON);
    expect(await rebuildConsentState(subject.id)).toEqual({ rows: 3, changed: 0 });
    const before = await db().consentState.findMany({
      where: { subjectId: subject.id },
      orderBy: { purposeId: "asc" },
    });
    await db().consentState.updateMany({ where: { subjectId: subject.id }, data: { status: "granted" } });
    expect(await rebuildConsentState(subject.id)).toEqual({ rows: 3, changed: 1 });
    expect(
      await db().consentState.findMany({ where: { subjectId: subject.id }, orderBy: { purposeId: "asc" } }),
    ).toEqual(before);
  });
});
