// Double opt-in (ADR 040): an email purpose given with an unverified address stays pending until
// the person follows the link Auth0 emailed them; the emulator over HTTP, the real ledger.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDashboard } from "@/lib/admin/read-dashboard";
import { buildAuth0ConsentMetadata } from "@/lib/consent/auth0-consent-metadata";
import { confirmEmailConsents } from "@/lib/consent/confirm-email-consents";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readConsentHistory } from "@/lib/consent/read-consent-history";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { listPeopleByPurpose } from "@/lib/consent-api/list-people-by-purpose";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { PERSON, personActor, staffActor } from "@/test/actors";
import { readMailbox, startPortalTenant, type TestTenant } from "@/test/emulator";
import { TEST_ENV } from "@/test/test-env";
import { recordEmailVerification } from "./record-email-verification";
import { signUpWithConsent } from "./sign-up-with-consent";

let tenant: TestTenant;
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: ["read:users", "update:users", "delete:users"] });
  process.env.AUTH0_DOMAIN = tenant.origin;
  policies = await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

const signUpInput = (email: string) => ({
  email,
  password: "Correct-horse-battery",
  acceptTerms: "on" as const,
  purposes: ["marketing-email", "analytics"],
  policyVersionIds: [policies.termsId, policies.privacyId],
  idempotencyKey: randomUUID(),
  context: { ip: "203.0.113.9" },
});

async function signUpPerson(label: string) {
  const email = `${label}.${randomUUID().slice(0, 8)}@example.com`;
  const result = await signUpWithConsent(signUpInput(email), PERSON);
  if (result.outcome !== "created") throw new Error(`sign-up answered ${result.outcome}`);
  return { email, subjectId: result.subjectId };
}

/** Follows the newest verification link as a browser would; answers where Auth0 redirected. */
async function followVerificationLink(email: string): Promise<URL> {
  const messages = await readMailbox(tenant.origin, email);
  const link = messages.at(-1)?.links[0];
  if (!link) throw new Error(`no verification email to ${email}`);
  const response = await fetch(link, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

const statusOf = async (subjectId: string, key: string) =>
  (await readConsentStatus(subjectId))!.purposes.find((row) => row.purpose.key === key)!.status;

describe("double opt-in for email purposes", () => {
  it("records an email purpose chosen at sign-up as requested: pending, given nowhere, no receipt; Auth0 emails the link", async () => {
    const { email, subjectId } = await signUpPerson("pending");
    const history = await readConsentHistory(subjectId);
    expect(history.map((event) => [event.purposeKey, event.action, event.method]).sort()).toEqual([
      ["analytics", "granted", "signup"],
      ["marketing-email", "requested", "signup"],
      ["terms", "granted", "signup"],
    ]);
    expect(await statusOf(subjectId, "marketing-email")).toBe("pending");
    expect(await statusOf(subjectId, "analytics")).toBe("granted");

    // Not in the API's "everyone who agreed", not in Auth0's mirror.
    const api = await listPeopleByPurpose({ purpose: "marketing-email" }, staffActor("auth0|api-reader"));
    expect(api.items.map((item) => item.subjectId)).not.toContain(subjectId);
    const [purposes, states] = await Promise.all([
      db().purpose.findMany(),
      db().consentState.findMany({ where: { subjectId } }),
    ]);
    const versions = await db().policyVersion.findMany({ select: { id: true, version: true, url: true } });
    const metadata = buildAuth0ConsentMetadata({ purposes, states, versions, resolveUrl: (url) => url });
    expect(metadata.purposes).toMatchObject({ "marketing-email": false, analytics: true });

    const requested = history.find((event) => event.action === "requested")!;
    const refusal: unknown = await issueConsentReceipt(requested.id).catch((error: unknown) => error);
    expect(isAppError(refusal, "not_found")).toBe(true);

    const [message] = await readMailbox(tenant.origin, email);
    expect(message?.subject).toBe("Verify your email");
  });

  it("nothing in the result URL is believed: before the link is followed, the landing page confirms nothing", async () => {
    const { email, subjectId } = await signUpPerson("early");
    expect(await recordEmailVerification({ email }, null)).toEqual({ verified: false, confirmed: [] });
    expect(await statusOf(subjectId, "marketing-email")).toBe("pending");
  });

  it("following the link confirms: a grant by email confirmation under what was shown, a receipt, a chain that verifies", async () => {
    const grantsThisWeek = async () => (await readDashboard()).activity.at(-1)!.granted;
    const before = await grantsThisWeek();
    const { email, subjectId } = await signUpPerson("confirmed");
    // The dashboard counts the terms and analytics, not the request.
    expect(await grantsThisWeek()).toBe(before + 2);
    const landing = await followVerificationLink(email);
    expect(landing.pathname).toBe("/email-verified");
    expect(landing.origin).toBe(new URL(TEST_ENV.APP_BASE_URL).origin);
    expect(landing.searchParams.get("success")).toBe("true");

    // A visitor's landing: the portal asks Auth0 about the address the redirect named.
    const visitor = await recordEmailVerification({ email: landing.searchParams.get("email")! }, null);
    expect(visitor).toEqual({ verified: true, confirmed: [] });
    expect(await statusOf(subjectId, "marketing-email")).toBe("granted");
    expect(await grantsThisWeek()).toBe(before + 3);

    const history = await readConsentHistory(subjectId);
    const [confirmation, request] = [history[0]!, history.find((event) => event.action === "requested")!];
    expect(confirmation).toMatchObject({
      purposeKey: "marketing-email",
      action: "granted",
      method: "email_confirmation",
      actorType: "system",
      actorId: "email-verification",
      purposeVersionId: request.purposeVersionId,
      policyVersionId: request.policyVersionId,
      prevHash: history[1]!.hash,
    });
    const receipt = await issueConsentReceipt(confirmation.id);
    expect(receipt.jws.split(".")).toHaveLength(3);
    const subject = await db().subject.findUniqueOrThrow({ where: { id: subjectId } });
    expect(subject.emailVerifiedAt).toBeInstanceOf(Date);

    // A second landing (or sign-in) finds nothing pending and records nothing.
    expect((await confirmEmailConsents({ subjectId }, personActor(subject.auth0UserId!))).confirmed).toEqual([]);
    expect(await readConsentHistory(subjectId)).toHaveLength(history.length);
    const report = await verifyLedger();
    expect(report.broken).toEqual([]);
    expect(report.projectionMismatches).toEqual([]);

    // Once verified, a new grant of an email purpose counts at once.
    await withdrawConsent({ subjectId, purposes: ["marketing-email"] }, personActor(subject.auth0UserId!));
    const current = await readCurrentPolicyVersions();
    const again = await grantConsent(
      { subjectId, purposes: ["marketing-email"], policyVersionIds: [current.privacy!.id], method: "portal" },
      personActor(subject.auth0UserId!),
    );
    expect(again.events.map((event) => event.action)).toEqual(["granted"]);
  });

  it("the signed-in person's landing re-reads their own user and says what became consent; recorded as theirs", async () => {
    const { email, subjectId } = await signUpPerson("signedin");
    await followVerificationLink(email);
    const subject = await db().subject.findUniqueOrThrow({ where: { id: subjectId } });
    const result = await recordEmailVerification({}, personActor(subject.auth0UserId!));
    expect(result).toEqual({
      verified: true,
      confirmed: [{ key: "marketing-email", title: "Marketing emails", eventId: expect.any(String) as unknown }],
    });
    const [confirmation] = await readConsentHistory(subjectId);
    expect(confirmation).toMatchObject({ method: "email_confirmation", actorType: "self", actorId: null });
  });

  it("a request withdrawn before the address is verified stays withdrawn", async () => {
    const { email, subjectId } = await signUpPerson("changed-mind");
    const subject = await db().subject.findUniqueOrThrow({ where: { id: subjectId } });
    await withdrawConsent({ subjectId, purposes: ["marketing-email"] }, personActor(subject.auth0UserId!));
    expect(await statusOf(subjectId, "marketing-email")).toBe("withdrawn");
    await followVerificationLink(email);
    expect(await recordEmailVerification({ email }, null)).toEqual({ verified: true, confirmed: [] });
    expect(await statusOf(subjectId, "marketing-email")).toBe("withdrawn");
  });

  it("signing up again with the unverified address sends the link again instead of refusing; once verified, it is refused", async () => {
    const { email, subjectId } = await signUpPerson("owner");
    const events = (await readConsentHistory(subjectId)).length;
    const again = await signUpWithConsent(signUpInput(email.toUpperCase()), PERSON);
    expect(again).toEqual({ outcome: "verification_resent" });
    expect(await readMailbox(tenant.origin, email)).toHaveLength(2);
    expect(await readConsentHistory(subjectId)).toHaveLength(events);

    // The newest link works (the real owner reads the inbox).
    await followVerificationLink(email);
    const refused: unknown = await signUpWithConsent(signUpInput(email), PERSON).catch((error: unknown) => error);
    expect(isAppError(refused, "already_exists")).toBe(true);
    expect(await readMailbox(tenant.origin, email)).toHaveLength(2);
  });

  it("a changed address is not proved by the old one's verification", async () => {
    const subject = await newSubject("mover");
    expect(subject.emailVerifiedAt).toBeInstanceOf(Date);
    const moved = await ensureSubject({ auth0UserId: subject.auth0UserId!, email: `moved.${subject.email}` });
    expect(moved.emailVerifiedAt).toBeNull();
    const current = await readCurrentPolicyVersions();
    const decision = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["marketing-email"],
        policyVersionIds: [current.privacy!.id],
        method: "portal",
      },
      personActor(subject.auth0UserId!),
    );
    expect(decision.events.map((event) => event.action)).toEqual(["requested"]);
  });

  it("staff recording on paper and an unflagged purpose are not held for the address", async () => {
    const subject = await newSubject("paper", { emailVerified: false });
    const current = await readCurrentPolicyVersions();
    const policyVersionIds = [current.terms!.id, current.privacy!.id];
    const byStaff = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["marketing-email"],
        policyVersionIds,
        method: "staff",
        reason: "paper form 42",
      },
      staffActor("auth0|staff-admin", ["admin"]),
    );
    expect(byStaff.events.map((event) => event.action)).toEqual(["granted"]);
    const byPerson = await grantConsent(
      { subjectId: subject.id, purposes: ["analytics"], policyVersionIds, method: "portal" },
      personActor(subject.auth0UserId!),
    );
    expect(byPerson.events.map((event) => event.action)).toEqual(["granted"]);
  });
});
