import { describe, expect, it, beforeAll } from "vitest";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { db } from "@/lib/db/client";
import { sha256Hex } from "@/lib/crypto/sha256";
import { listPurposes } from "@/lib/policies/list-purposes";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { createPurpose } from "./create-purpose";
import { changeWithdrawalPolicy } from "./change-withdrawal-policy";
import { updatePurpose } from "./update-purpose";
import { publishPolicyDraft } from "./publish-policy-draft";
import { readAdminChanges } from "./read-admin-changes";
import { readDashboard, runningTotals, weekStarts } from "./read-dashboard";
import { listPolicyDrafts, readPolicyDraft } from "./read-policy-drafts";
import { readPurposeOverview } from "./read-purpose-overview";
import { readReconsentProgress } from "./read-reconsent-progress";
import { reinstatePurpose, retirePurpose } from "./retire-purpose";
import { deletePolicyDraft, savePolicyDraft } from "./save-policy-draft";
import { adminActor, PERSON } from "@/test/actors";

const ADMIN = adminActor("auth0|console-admin");
let policies: { termsId: string; privacyId: string };

const signedUp = (optional: string[] = []) => newSignedUpSubject("console", ["terms", ...optional]);

beforeAll(async () => {
  policies = await seedCatalog();
});

describe("purposes", () => {
  it("creates and edits a purpose, each change logged with before and after", async () => {
    await createPurpose(
      {
        key: "newsletter",
        title: "Newsletter",
        description: "Monthly",
        required: false,
        policyKind: "privacy",
        position: 9,
      },
      ADMIN,
    );
    await updatePurpose(
      {
        key: "newsletter",
        title: "Monthly newsletter",
        description: "Once a month",
        required: false,
        position: 4,
        wordingChange: "editorial",
      },
      ADMIN,
    );
    const [update, create] = await readAdminChanges(["purpose.create", "purpose.update"]);
    expect(create).toMatchObject({ actorId: ADMIN.id, action: "purpose.create", target: "newsletter" });
    expect(update).toMatchObject({
      action: "purpose.update",
      before: { title: "Newsletter", position: 9 },
      after: { title: "Monthly newsletter", position: 4, required: false, version: { version: 2, affected: 0 } },
    });
    await expect(
      createPurpose(
        { key: "newsletter", title: "x", description: "x", required: false, policyKind: "privacy", position: 0 },
        ADMIN,
      ),
    ).rejects.toMatchObject({ code: "already_exists", field: "key" });
  });

  it("retires a purpose with history, deletes one without, and refuses a required one", async () => {
    await createPurpose(
      { key: "unused", title: "Unused", description: "x", required: false, policyKind: "privacy", position: 0 },
      ADMIN,
    );
    await createPurpose(
      { key: "survey", title: "Surveys", description: "x", required: false, policyKind: "privacy", position: 0 },
      ADMIN,
    );
    const person = await signedUp(["survey"]);

    expect(await retirePurpose({ key: "unused" }, ADMIN)).toBe("deleted");
    expect(await db().purpose.findUnique({ where: { key: "unused" } })).toBeNull();

    expect(await retirePurpose({ key: "survey" }, ADMIN)).toBe("retired");
    expect((await listPurposes()).map((purpose) => purpose.key)).not.toContain("survey");
    expect((await listPurposes(undefined, { includeRetired: true })).map((purpose) => purpose.key)).toContain("survey");
    const status = await readConsentStatus(person.id);
    expect(status!.purposes.map((row) => row.purpose.key)).not.toContain("survey");
    // The decision stays in the ledger and in the overview.
    const overview = await readPurposeOverview();
    expect(overview.find((row) => row.purpose.key === "survey")).toMatchObject({ granted: 1, events: 1 });
    await expect(updatePurpose({ key: "survey", required: true, position: 0 }, ADMIN)).rejects.toMatchObject({
      code: "conflict",
      field: "required",
    });

    await reinstatePurpose({ key: "survey" }, ADMIN);
    expect((await listPurposes()).map((purpose) => purpose.key)).toContain("survey");
    await expect(retirePurpose({ key: "terms" }, ADMIN)).rejects.toMatchObject({ code: "conflict" });
    const actions = (await readAdminChanges(["purpose.retire", "purpose.delete", "purpose.reinstate"])).map(
      (change) => `${change.action}:${change.target}`,
    );
    expect(actions).toEqual(["purpose.reinstate:survey", "purpose.retire:survey", "purpose.delete:unused"]);
  });
});

describe("policy drafts and publishing", () => {
  it("saves, edits, previews and publishes a draft; the published text is immutable and the draft gone", async () => {
    const draft = await savePolicyDraft(
      { kind: "terms", version: "2", title: "Terms of Service", text: "Draft one" },
      ADMIN,
    );
    expect(draft.url).toBe("/policies/terms/2");
    const edited = await savePolicyDraft(
      { id: draft.id, kind: "terms", version: "2", title: "Terms of Service", text: "Terms v2\n\nNew clause." },
      ADMIN,
    );
    expect((await listPolicyDrafts()).map((row) => row.id)).toContain(edited.id);

    // Publishing what was not previewed is refused.
    await expect(
      publishPolicyDraft({ id: draft.id, textSha256: sha256Hex("Draft one"), requiresReconsent: true }, ADMIN),
    ).rejects.toMatchObject({ code: "conflict" });

    const published = await publishPolicyDraft(
      { id: draft.id, textSha256: sha256Hex("Terms v2\n\nNew clause."), requiresReconsent: false },
      ADMIN,
    );
    expect(published).toMatchObject({ kind: "terms", version: "2", publishedBy: ADMIN.id, requiresReconsent: false });
    expect(published.textSha256).toBe(sha256Hex("Terms v2\n\nNew clause."));
    expect(await readPolicyDraft(draft.id)).toBeNull();
    await expect(db().policyVersion.update({ where: { id: published.id }, data: { text: "changed" } })).rejects.toThrow(
      /permission denied for table PolicyVersion/,
    );
    // The label is taken now, for drafts too.
    await expect(
      savePolicyDraft({ kind: "terms", version: "2", title: "Terms", text: "again" }, ADMIN),
    ).rejects.toMatchObject({ code: "already_exists", field: "version" });
    const [change] = await readAdminChanges(["policy.publish"]);
    expect(change).toMatchObject({
      target: "terms:2",
      after: { policyVersionId: published.id, requiresReconsent: false },
    });
  });

  it("discards a draft", async () => {
    const draft = await savePolicyDraft({ kind: "privacy", version: "9", title: "Privacy", text: "x" }, ADMIN);
    await deletePolicyDraft({ id: draft.id }, ADMIN);
    expect(await readPolicyDraft(draft.id)).toBeNull();
  });

  it("tracks re-consent to a version that requires it: accepted, pending, declined; later sign-ups not counted", async () => {
    // People signed up by earlier tests agreed to an earlier version too: they are still pending.
    const earlier = await db().subject.count({ where: { erasedAt: null, lastSeq: { gt: 0 } } });
    const accepts = await signedUp(["analytics"]);
    const waits = await signedUp();
    const declines = await signedUp();
    const erased = await signedUp();
    const draft = await savePolicyDraft(
      { kind: "terms", version: "3", title: "Terms of Service", text: "Terms v3" },
      ADMIN,
    );
    const v3 = await publishPolicyDraft(
      { id: draft.id, textSha256: sha256Hex("Terms v3"), requiresReconsent: true },
      ADMIN,
    );
    expect((await readConsentStatus(waits.id))!.needsReconsent).toBe(true);

    await grantConsent(
      {
        subjectId: accepts.id,
        purposes: ["terms"],
        policyVersionIds: [v3.id, policies.privacyId],
        method: "reconsent",
      },
      PERSON,
    );
    await withdrawConsent(
      {
        subjectId: declines.id,
        purposes: ["terms"],
        method: "reconsent",
      },
      PERSON,
    );
    await eraseSubject({ subjectId: erased.id }, PERSON);
    await signedUp(); // signs up under v3: never needed to re-consent

    const progress = await readReconsentProgress(v3.id);
    expect(progress).toMatchObject({ accepted: 1, pending: earlier + 1, declined: 1, affected: earlier + 3 });
    expect((await readConsentStatus(accepts.id))!.needsReconsent).toBe(false);
  });
});

describe("withdrawal policy", () => {
  it("switches between flag and delete, logging each change and nothing for a no-op", async () => {
    expect(await readWithdrawalPolicy()).toEqual({ onRequiredWithdrawal: "flag" });
    expect(await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, ADMIN)).toMatchObject({ changed: false });
    expect(await changeWithdrawalPolicy({ onRequiredWithdrawal: "delete" }, ADMIN)).toMatchObject({ changed: true });
    expect(await readWithdrawalPolicy()).toEqual({ onRequiredWithdrawal: "delete" });
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, ADMIN);
    const changes = await readAdminChanges(["withdrawal_policy.update"]);
    expect(changes.map((change) => [change.before, change.after])).toEqual([
      [{ onRequiredWithdrawal: "delete" }, { onRequiredWithdrawal: "flag" }],
      [{ onRequiredWithdrawal: "flag" }, { onRequiredWithdrawal: "delete" }],
    ]);
    await expect(db().adminChange.deleteMany({})).rejects.toThrow(/permission denied for table AdminChange/);
  });
});

describe("dashboard", () => {
  it("computes weeks, running totals and the consent rate per purpose from the ledger", async () => {
    expect(weekStarts(new Date("2026-11-25T12:00:00Z"), 3)).toEqual(["2026-11-09", "2026-11-16", "2026-11-23"]);
    expect(
      runningTotals(
        ["a", "b", "c"],
        [
          { week: "a", delta: 5 },
          { week: "c", delta: -2 },
        ],
      ),
    ).toEqual([5, 5, 3]);

    const dashboard = await readDashboard();
    const thisWeek = dashboard.consentRate.at(-1)!;
    const liveSubjects = await db().subject.count({ where: { erasedAt: null, lastSeq: { gt: 0 } } });
    expect(thisWeek.people).toBe(liveSubjects);
    const grantedAnalytics = await db().consentState.count({
      where: { status: "granted", purpose: { key: "analytics" }, subject: { erasedAt: null } },
    });
    expect(thisWeek.rates.analytics).toBe(Math.round((grantedAnalytics / liveSubjects) * 1000) / 10);
    const thisWeekActivity = dashboard.activity.at(-1)!;
    expect(thisWeekActivity.granted).toBe(await db().consentEvent.count({ where: { action: "granted" } }));
    expect(thisWeekActivity.withdrawn).toBe(await db().consentEvent.count({ where: { action: "withdrawn" } }));
    expect(dashboard.reconsent?.version.version).toBe("3");
    expect(dashboard.outbox.pending).toBeGreaterThan(0);
    expect(dashboard.outbox.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
  });
});
