import { randomUUID } from "node:crypto";
import { asOwner } from "@/test/owner-database";
import { beforeAll, describe, expect, it } from "vitest";
import { acceptConsentGate } from "@/lib/consent/accept-consent-gate";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readConsentHistory } from "@/lib/consent/read-consent-history";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { db } from "@/lib/db/client";
import { purposeTextSha256 } from "@/lib/policies/purpose-text-hash";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { adminActor, PERSON } from "@/test/actors";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { createPurpose } from "./create-purpose";
import { readAdminChanges } from "./read-admin-changes";
import { readPurposeVersionHistory } from "./read-purpose-versions";
import { adminChangeSchema } from "./schemas";
import { updatePurpose } from "./update-purpose";

const ADMIN = adminActor();

beforeAll(async () => {
  await seedCatalog();
});

/** A new optional purpose of its own, so tests do not see each other's versions. */
async function newPurpose(description = "Send me a monthly letter.") {
  const key = `letter-${randomUUID().slice(0, 8)}`;
  return createPurpose({ key, title: "Letter", description, policyKind: "privacy" }, ADMIN);
}

async function lastChange(target: string) {
  const changes = await readAdminChanges(["purpose.update"]);
  return changes.find((change) => change.target === target)!;
}

describe("purpose versions", () => {
  it("a new purpose starts at version 1, hashed as RFC 8785 JSON of its title and description", async () => {
    const purpose = await newPurpose();
    const [version] = await db().purposeVersion.findMany({ where: { purposeId: purpose.id } });
    expect(version).toMatchObject({ version: 1, title: "Letter", required: false, publishedBy: ADMIN.id });
    expect(version!.textSha256).toBe(purposeTextSha256({ title: "Letter", description: "Send me a monthly letter." }));
  });

  it("an editorial change publishes version 2; people keep their consent under version 1", async () => {
    const purpose = await newPurpose();
    const person = await newSignedUpSubject("editorial", ["terms", purpose.key]);
    const {
      purpose: after,
      version,
      affected,
    } = await updatePurpose(
      { key: purpose.key, description: "Send me a letter once a month.", wordingChange: "editorial", fromVersion: 1 },
      ADMIN,
    );
    expect(version).toMatchObject({ version: 2, requiresReconsent: false });
    expect(affected).toBe(1);
    expect(after.description).toBe("Send me a letter once a month.");

    const status = await readConsentStatus(person.id);
    const row = status!.purposes.find((candidate) => candidate.purpose.key === purpose.key)!;
    expect(row).toMatchObject({ status: "granted", needsReconsent: false, decidedWording: { version: 1 } });
    expect(row.wording.version).toBe(2);
    expect(status!.needsReconsent).toBe(false);
    // The history shows the wording the person saw, not the new one.
    const decision = (await readConsentHistory(person.id)).find((entry) => entry.purposeKey === purpose.key);
    expect(decision).toMatchObject({ purposeVersion: 1, purposeDescription: "Send me a monthly letter." });

    // The audit row names the new version, its hash and how many people it affected.
    const change = await lastChange(purpose.key);
    const { action, target, before, after: payload } = change;
    expect(adminChangeSchema.safeParse({ action, target, before, after: payload }).success).toBe(true);
    expect(change).toMatchObject({
      actorId: ADMIN.id,
      before: { description: "Send me a monthly letter.", version: 1 },
      after: {
        description: "Send me a letter once a month.",
        version: { version: 2, purposeVersionId: version!.id, textSha256: version!.textSha256, affected: 1 },
      },
    });
  });

  it("a change that requires re-consent sends people to the gate; renewing records the new wording", async () => {
    const purpose = await newPurpose();
    const keeps = await newSignedUpSubject("keeps", ["terms", purpose.key]);
    const lapses = await newSignedUpSubject("lapses", ["terms", purpose.key]);
    const { version } = await updatePurpose(
      {
        key: purpose.key,
        title: "Letter and calls",
        description: "Send me a monthly letter and call me about it.",
        wordingChange: "reconsent",
        changeSummary: "We may now call you.",
      },
      ADMIN,
    );
    expect(version).toMatchObject({ version: 2, requiresReconsent: true, changeSummary: "We may now call you." });

    const current = await readCurrentPolicyVersions();
    for (const [subject, keep] of [
      [keeps, [purpose.key]],
      [lapses, []],
    ] as const) {
      const status = (await readConsentStatus(subject.id))!;
      const row = status.purposes.find((candidate) => candidate.purpose.key === purpose.key)!;
      expect(row).toMatchObject({ needsReconsent: true, rewordedSinceDecision: true });
      expect(status.needsReconsent).toBe(true);
      await acceptConsentGate(
        {
          status,
          keep: [...keep],
          policyVersionIds: [current.terms!.id, current.privacy!.id],
          purposeVersionIds: status.purposes
            .filter((candidate) => candidate.purpose.required || candidate.needsReconsent)
            .map((candidate) => candidate.wording.id),
          context: {},
          idempotencyKey: randomUUID(),
        },
        PERSON,
      );
      expect((await readConsentStatus(subject.id))!.needsReconsent).toBe(false);
    }
    const [renewal] = await readConsentHistory(keeps.id);
    expect(renewal).toMatchObject({
      action: "granted",
      method: "reconsent",
      purposeVersionId: version!.id,
      purposeTextSha256: version!.textSha256,
      purposeTitle: "Letter and calls",
    });
    // Not renewed: the consent lapses, recorded under the wording it was given under.
    const [lapse] = await readConsentHistory(lapses.id);
    expect(lapse).toMatchObject({ action: "withdrawn", method: "reconsent", purposeVersion: 1 });

    const history = await readPurposeVersionHistory(purpose.id);
    expect(history.map((row) => [row.version, row.grantedNow])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });

  it("refuses new wording without a choice, or edited from a version that is no longer current", async () => {
    const purpose = await newPurpose();
    await expect(updatePurpose({ key: purpose.key, title: "Newsletter" }, ADMIN)).rejects.toMatchObject({
      code: "validation_failed",
      field: "wordingChange",
    });
    await updatePurpose({ key: purpose.key, title: "Newsletter", wordingChange: "editorial", fromVersion: 1 }, ADMIN);
    await expect(
      updatePurpose({ key: purpose.key, title: "News", wordingChange: "editorial", fromVersion: 1 }, ADMIN),
    ).rejects.toMatchObject({ code: "conflict", field: "fromVersion" });
    // Same wording, other settings: no new version.
    expect(await updatePurpose({ key: purpose.key, title: "Newsletter", position: 7 }, ADMIN)).toMatchObject({
      version: null,
      purpose: { position: 7 },
    });
    expect(await db().purposeVersion.count({ where: { purposeId: purpose.id } })).toBe(2);
  });

  it("making a purpose required publishes a version that says so, without asking anyone again", async () => {
    const purpose = await newPurpose();
    const { version } = await updatePurpose({ key: purpose.key, required: true }, ADMIN);
    expect(version).toMatchObject({
      version: 2,
      required: true,
      requiresReconsent: false,
      changeSummary: "Made required.",
    });
    const { version: optional } = await updatePurpose({ key: purpose.key, required: false }, ADMIN);
    expect(optional).toMatchObject({ version: 3, required: false, changeSummary: "Made optional." });
  });

  it("refuses a grant of wording the person was not shown", async () => {
    const purpose = await newPurpose();
    const shown = await db().purposeVersion.findFirstOrThrow({ where: { purposeId: purpose.id } });
    const person = await newSignedUpSubject("stale", ["terms"]);
    await updatePurpose({ key: purpose.key, title: "Changed", wordingChange: "editorial" }, ADMIN);
    const current = await readCurrentPolicyVersions();
    await expect(
      grantConsent(
        {
          subjectId: person.id,
          purposes: [purpose.key],
          policyVersionIds: [current.privacy!.id],
          purposeVersionIds: [shown.id],
          method: "portal",
        },
        PERSON,
      ),
    ).rejects.toMatchObject({ code: "policy_outdated", field: "purposeVersionIds" });
  });
});

describe("the database keeps purpose versions fixed", () => {
  it("refuses to change or remove a version, or to store a hash that is not its wording's", async () => {
    const purpose = await newPurpose();
    const version = await db().purposeVersion.findFirstOrThrow({ where: { purposeId: purpose.id } });
    // The portal's role may not even try (ADR 024); the owner is stopped by the triggers.
    await expect(
      db().$executeRaw`UPDATE "PurposeVersion" SET description = 'edited' WHERE id = ${version.id}::uuid`,
    ).rejects.toThrow(/permission denied/);
    await asOwner(async (owner) => {
      await expect(
        owner.query(`UPDATE "PurposeVersion" SET description = 'edited' WHERE id = $1`, [version.id]),
      ).rejects.toThrow(/append-only/);
      await expect(owner.query(`DELETE FROM "PurposeVersion" WHERE id = $1`, [version.id])).rejects.toThrow(
        /append-only/,
      );
      await expect(owner.query(`TRUNCATE "PurposeVersion" CASCADE`)).rejects.toThrow(/append-only/);
      await expect(owner.query(`UPDATE "Purpose" SET key = 'renamed' WHERE id = $1`, [purpose.id])).rejects.toThrow(
        /never change/,
      );
    });
    await expect(
      db().purposeVersion.create({
        data: {
          purposeId: purpose.id,
          version: 9,
          title: "x",
          description: "y",
          required: false,
          textSha256: "0".repeat(64),
        },
      }),
    ).rejects.toThrow(/PurposeVersion_text_sha256_check/);
  });

  it("computes the same SHA-256 as the portal for quotes, line breaks, control characters and emoji", async () => {
    const purpose = await newPurpose();
    const wording = { title: 'Say "hi" \\ 🙂', description: "Line one\nline two\ttab \u0001 é / \u2028 end" };
    const created = await db().purposeVersion.create({
      data: {
        purposeId: purpose.id,
        version: 2,
        ...wording,
        required: false,
        textSha256: purposeTextSha256(wording),
      },
    });
    expect(created.textSha256).toBe(purposeTextSha256(wording));
  });

  it("refuses an event whose wording hash is not its version's, or whose version is another purpose's", async () => {
    const [purpose, other] = [await newPurpose(), await newPurpose()];
    const person = await newSignedUpSubject("forger", ["terms", purpose.key]);
    const [event] = await db().consentEvent.findMany({ where: { subjectId: person.id, purposeId: purpose.id } });
    const otherVersion = await db().purposeVersion.findFirstOrThrow({ where: { purposeId: other.id } });
    const insert = (purposeVersionId: string, textSha256: string) =>
      db().consentEvent.create({
        data: {
          ...event!,
          id: randomUUID(),
          seq: 99,
          idempotencyKey: randomUUID(),
          hash: "f".repeat(64),
          purposeVersionId,
          purposeTextSha256: textSha256,
        },
      });
    await expect(insert(event!.purposeVersionId!, "0".repeat(64))).rejects.toThrow(/purpose_version_matches/);
    await expect(insert(otherVersion.id, otherVersion.textSha256)).rejects.toThrow(/purpose_version_matches/);
  });
});
