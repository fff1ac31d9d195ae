// The people's flows end to end below the UI: sign-up through the emulator's Authentication
// API into the ledger, the consent gate, declining, and deleting an account.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { acceptConsentGate } from "@/lib/consent/accept-consent-gate";
import { readConsentHistory } from "@/lib/consent/read-consent-history";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { grantConsent } from "@/lib/consent/grant-consent";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { seedCatalog, newSubject, signUp } from "@/test/consent-fixtures";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { declineTerms } from "@/lib/subjects/decline-terms";
import { deleteMyAccount } from "@/lib/subjects/delete-my-account";
import { findSubjectsByEmail } from "@/lib/subjects/find-subjects-by-email";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { signUpWithConsent } from "./sign-up-with-consent";
import { PERSON, staffActor, systemActor } from "@/test/actors";
import { asOwner } from "@/test/owner-database";

let tenant: TestTenant;
let emulator: RunningEmulator;
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: ["read:users", "delete:users", "update:users", "delete:sessions"] });
  emulator = tenant.emulator;
  // The portal reads its configuration once, on first use: point it at this emulator first.
  process.env.AUTH0_DOMAIN = tenant.origin;
  policies = await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

const signUpInput = (email: string, overrides: Partial<Parameters<typeof signUpWithConsent>[0]> = {}) => ({
  email,
  password: "Correct-horse-battery",
  acceptTerms: "on" as const,
  purposes: ["analytics"],
  policyVersionIds: [policies.termsId, policies.privacyId],
  idempotencyKey: randomUUID(),
  ...overrides,
});

describe("signUpWithConsent", () => {
  it("creates the Auth0 user with the consent in user_metadata and records it in the ledger", async () => {
    const email = `new.${randomUUID().slice(0, 8)}@example.com`;
    const created = await signUpWithConsent(
      { ...signUpInput(email), context: { ip: "203.0.113.9", userAgent: "test" } },
      PERSON,
    );
    if (created.outcome !== "created") throw new Error(created.outcome);
    const { subjectId } = created;
    const user = emulator.store.findUserByEmail(email)!;
    expect(user.user_metadata).toMatchObject({ consentGiven: "true", consentVersion: "1" });
    expect((await findSubjectsByEmail(email.toUpperCase())).map((subject) => subject.id)).toEqual([subjectId]);
    const history = await readConsentHistory(subjectId);
    expect(history.map((event) => [event.purposeKey, event.action, event.method]).sort()).toEqual([
      ["analytics", "granted", "signup"],
      ["terms", "granted", "signup"],
    ]);
    expect(history.every((event) => event.ipTruncated === "203.0.113.0")).toBe(true);
  });

  it("refuses a form showing an outdated version before creating anything", async () => {
    const email = `late.${randomUUID().slice(0, 8)}@example.com`;
    const error: unknown = await signUpWithConsent(
      { ...signUpInput(email, { policyVersionIds: [randomUUID()] }), context: {} },
      PERSON,
    ).catch((e: unknown) => e);
    expect(isAppError(error, "policy_outdated")).toBe(true);
    expect(emulator.store.findUserByEmail(email)).toBeUndefined();
  });

  it("names the email field when the address is taken (and verified: ADR 040)", async () => {
    const email = `taken.${randomUUID().slice(0, 8)}@example.com`;
    await signUpWithConsent({ ...signUpInput(email), context: {} }, PERSON);
    const { user_id } = emulator.store.findUserByEmail(email)!;
    await tenant.api("PATCH", `/api/v2/users/${encodeURIComponent(user_id)}`, { body: { email_verified: true } });
    const error: unknown = await signUpWithConsent({ ...signUpInput(email), context: {} }, PERSON).catch(
      (e: unknown) => e,
    );
    expect(isAppError(error, "already_exists") && error.field).toBe("email");
  });

  it("names the password field with a plain reason when Auth0 refuses it as weak or common, and creates nothing", async () => {
    for (const [password, reason] of [
      [
        "only-lower-case-and-dashes",
        /at least 8 characters, with three of lower case, upper case, numbers and symbols/,
      ],
      ["Password1", /one of the most common passwords/],
    ] as const) {
      const email = `weak.${randomUUID().slice(0, 8)}@example.com`;
      const error: unknown = await signUpWithConsent(
        { ...signUpInput(email, { password }), context: {} },
        PERSON,
      ).catch((e: unknown) => e);
      expect(isAppError(error, "validation_failed") && [error.field, error.message]).toEqual([
        "password",
        expect.stringMatching(reason),
      ]);
      expect(emulator.store.findUserByEmail(email)).toBeUndefined();
    }
  });

  it("deletes the new Auth0 user again when the ledger refuses the decisions", async () => {
    const email = `undo.${randomUUID().slice(0, 8)}@example.com`;
    // Stand in for a ledger failure: the database refuses any new consent event for a moment.
    await asOwner((owner) =>
      owner.query(`CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'ledger unavailable'; END $$;
        CREATE TRIGGER refuse_events BEFORE INSERT ON "ConsentEvent" FOR EACH ROW EXECUTE FUNCTION refuse_events()`),
    );
    try {
      await expect(signUpWithConsent({ ...signUpInput(email), context: {} }, PERSON)).rejects.toThrow(
        /ledger unavailable/,
      );
    } finally {
      await asOwner((owner) =>
        owner.query(`DROP TRIGGER refuse_events ON "ConsentEvent"; DROP FUNCTION refuse_events()`),
      );
    }
    expect(emulator.store.findUserByEmail(email)).toBeUndefined();
    expect(await findSubjectsByEmail(email)).toEqual([]);
  });
});

describe("the consent gate", () => {
  it("records a first consent in the portal, and a renewal after a re-consent version as re-consent", async () => {
    const subject = await newSubject("gate");
    let status = (await readConsentStatus(subject.id))!;
    expect(status.missingRequired).toEqual(["terms"]);
    await acceptConsentGate(
      {
        status,
        keep: [],
        policyVersionIds: [policies.termsId, policies.privacyId],
        context: {},
        idempotencyKey: randomUUID(),
      },
      PERSON,
    );
    await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["analytics", "marketing-email"],
        policyVersionIds: [policies.termsId, policies.privacyId],
        method: "portal",
      },
      PERSON,
    );

    const terms2 = await publishPolicyVersion(
      {
        kind: "terms",
        version: `2-${randomUUID().slice(0, 4)}`,
        title: "Terms of Service",
        url: "/policies/terms/2",
        text: "New terms.",
        requiresReconsent: true,
      },
      systemActor("test"),
    );
    const privacy2 = await publishPolicyVersion(
      {
        kind: "privacy",
        version: `2-${randomUUID().slice(0, 4)}`,
        title: "Privacy Policy",
        url: "/policies/privacy/2",
        text: "New privacy policy.",
        requiresReconsent: true,
      },
      systemActor("test"),
    );
    status = (await readConsentStatus(subject.id))!;
    expect(status.needsReconsent).toBe(true);
    await acceptConsentGate(
      {
        status,
        keep: ["analytics"],
        policyVersionIds: [terms2.id, privacy2.id],
        context: {},
        idempotencyKey: randomUUID(),
      },
      PERSON,
    );

    status = (await readConsentStatus(subject.id))!;
    expect(status.needsReconsent).toBe(false);
    const byKey = Object.fromEntries(status.purposes.map((row) => [row.purpose.key, row]));
    expect(byKey.terms!.policyVersion?.id).toBe(terms2.id);
    expect(byKey.analytics!.status).toBe("granted");
    expect(byKey["marketing-email"]!.status).toBe("withdrawn");
    const history = await readConsentHistory(subject.id);
    expect(
      history
        .slice(0, 3)
        .map((event) => [event.purposeKey, event.action, event.method])
        .sort(),
    ).toEqual([
      ["analytics", "granted", "reconsent"],
      ["marketing-email", "withdrawn", "reconsent"],
      ["terms", "granted", "reconsent"],
    ]);
    expect(history.at(-1)).toMatchObject({ purposeKey: "terms", method: "portal" });
  });
});

describe("closing an account", () => {
  const decline = (subject: { id: string }, purpose = "terms") =>
    declineTerms({ subject, purpose, context: {}, idempotencyKey: randomUUID() }, PERSON);

  it("declining at the gate records the refusal on the ledger and flags, or deletes, the Auth0 user", async () => {
    const flagged = await newSubject("decline");
    await decline(flagged);
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "delete" }, systemActor("test"));
    const deleted = await newSubject("decline");
    await decline(deleted);
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
    const kinds = await db().outboxMessage.findMany({
      where: { subjectId: { in: [flagged.id, deleted.id] } },
      select: { subjectId: true, kind: true },
    });
    expect(kinds).toEqual(
      expect.arrayContaining([
        { subjectId: flagged.id, kind: "flag_deleted" },
        { subjectId: deleted.id, kind: "delete_user" },
      ]),
    );
    // The closing is on the ledger: the current Terms, refused, by the person, "account closed".
    const [refusal, ...rest] = await db().consentEvent.findMany({ where: { subjectId: flagged.id } });
    expect(rest).toEqual([]);
    expect(refusal).toMatchObject({
      action: "withdrawn",
      policyVersionId: (await readCurrentPolicyVersions()).terms!.id,
      actorType: "self",
      actorReason: "account closed",
    });
    const status = (await readConsentStatus(flagged.id))!;
    expect(status.purposes.find((row) => row.purpose.key === "terms")?.status).toBe("withdrawn");
  });

  it("withdrawing the required consent withdraws every optional consent too, in one transaction", async () => {
    const subject = await newSubject("closer");
    await signUp(subject.id, ["terms", "analytics", "marketing-email"]);
    await decline(subject);
    const events = await db().consentEvent.findMany({
      where: { subjectId: subject.id, action: "withdrawn" },
      include: { purpose: true },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => [event.purpose?.key, event.actorType, event.actorReason])).toEqual([
      ["terms", "self", null],
      ["analytics", "self", "account closed"],
      ["marketing-email", "self", "account closed"],
    ]);
    // All three in the same transaction: one idempotency key, one outbox message closing the account.
    expect(new Set(events.map((event) => event.idempotencyKey)).size).toBe(1);
    const outbox = await db().outboxMessage.findMany({ where: { subjectId: subject.id } });
    expect(outbox.map((message) => message.kind).sort()).toEqual(["flag_deleted", "sync_consent"]);
    // What the subject page shows: nothing is still given.
    const status = (await readConsentStatus(subject.id))!;
    expect(status.purposes.filter((row) => row.status === "granted")).toEqual([]);
  });

  it("staff withdrawing the required consent on a person's behalf close the account the same way", async () => {
    const subject = await newSubject("closed-by-staff");
    await signUp(subject.id, ["terms", "analytics"]);
    await withdrawConsent(
      { subjectId: subject.id, purposes: ["terms"], method: "staff", reason: "Letter of 3 Nov asking to close" },
      staffActor(),
    );
    const status = (await readConsentStatus(subject.id))!;
    expect(status.purposes.filter((row) => row.status === "granted")).toEqual([]);
    const analytics = await db().consentEvent.findFirst({
      where: { subjectId: subject.id, action: "withdrawn", purpose: { key: "analytics" } },
    });
    expect(analytics).toMatchObject({ actorType: "staff", actorReason: "account closed" });
  });

  it("declining a purpose that is optional, or not granted, is refused and closes nothing", async () => {
    const subject = await newSubject("not-required");
    await signUp(subject.id, ["terms"]);
    await expect(decline(subject, "analytics")).rejects.toMatchObject({ code: "conflict", status: 409 });
    expect(await db().outboxMessage.count({ where: { subjectId: subject.id, kind: { not: "sync_consent" } } })).toBe(0);
    const status = (await readConsentStatus(subject.id))!;
    expect(status.purposes.find((row) => row.purpose.key === "terms")?.status).toBe("granted");
  });

  it("delete my account withdraws everything, erases the person and keeps a verifiable trail", async () => {
    const subject = await newSubject("leaver");
    await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms", "analytics"],
        policyVersionIds: [
          (await readConsentStatus(subject.id))!.currentPolicies.terms!.id,
          (await readConsentStatus(subject.id))!.currentPolicies.privacy!.id,
        ],
        method: "signup",
      },
      PERSON,
    );
    await deleteMyAccount(
      {
        status: (await readConsentStatus(subject.id))!,
        context: {},
        idempotencyKey: randomUUID(),
      },
      PERSON,
    );
    const status = (await readConsentStatus(subject.id))!;
    expect(status.erased).toBe(true);
    expect(status.purposes.filter((row) => row.status === "granted")).toEqual([]);
    expect(await findSubjectsByEmail(subject.email!)).toEqual([]);
    const history = await readConsentHistory(subject.id);
    expect(history[0]!.action).toBe("erased");
    const outbox = await db().outboxMessage.findMany({ where: { subjectId: subject.id, status: "pending" } });
    // Erasure deletes the Auth0 user even under the default "flag" policy (ADR 036).
    expect(outbox.map((message) => message.kind)).toEqual(["delete_user"]);
  });
});
