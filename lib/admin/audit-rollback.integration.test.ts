// Every admin use case writes its AdminChange row in the transaction of the change: when the
// audit write fails, the change is not made either (changeStaffRole's case is in its own test
// file, beside the emulator).
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/crypto/sha256";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { db } from "@/lib/db/client";
import { createStaffApiToken } from "@/lib/compliance/staff-api-tokens/create-staff-api-token";
import { revokeStaffApiToken } from "@/lib/compliance/staff-api-tokens/revoke-staff-api-token";
import { adminActor, PERSON } from "@/test/actors";
import { expectFailingAuditToAbort } from "@/test/failing-audit";
import { changeWithdrawalPolicy } from "./change-withdrawal-policy";
import { createPurpose } from "./create-purpose";
import { publishPolicyDraft } from "./publish-policy-draft";
import { publishPolicyVersion } from "./publish-policy-version";
import { reinstatePurpose, retirePurpose } from "./retire-purpose";
import { deletePolicyDraft, savePolicyDraft } from "./save-policy-draft";
import { updatePurpose } from "./update-purpose";

const ADMIN = adminActor("auth0|rollback-admin");
const adminChanges = () => db().adminChange.count();

beforeAll(async () => {
  await seedCatalog();
});

describe("a failing audit write rolls the admin change back", () => {
  it("createPurpose", async () => {
    const before = await adminChanges();
    await expectFailingAuditToAbort(() =>
      createPurpose({ key: "rollback-new", title: "New", description: "x", policyKind: "privacy" }, ADMIN),
    );
    expect(await db().purpose.findUnique({ where: { key: "rollback-new" } })).toBeNull();
    expect(await adminChanges()).toBe(before);
  });

  it("updatePurpose", async () => {
    await createPurpose({ key: "rollback-edit", title: "Old title", description: "x", policyKind: "privacy" }, ADMIN);
    await expectFailingAuditToAbort(() =>
      updatePurpose({ key: "rollback-edit", title: "New title", required: true, wordingChange: "reconsent" }, ADMIN),
    );
    const purpose = await db().purpose.findUnique({ where: { key: "rollback-edit" }, include: { versions: true } });
    expect(purpose).toMatchObject({ title: "Old title", required: false });
    // The new wording version went with it: version 1 is still the only one.
    expect(purpose!.versions.map((version) => version.version)).toEqual([1]);
  });

  it("retirePurpose, for a purpose with decisions (retire) and without (delete)", async () => {
    await createPurpose({ key: "rollback-unused", title: "Unused", description: "x", policyKind: "privacy" }, ADMIN);
    await expectFailingAuditToAbort(() => retirePurpose({ key: "rollback-unused" }, ADMIN));
    expect(await db().purpose.findUnique({ where: { key: "rollback-unused" } })).not.toBeNull();

    await createPurpose({ key: "rollback-used", title: "Used", description: "x", policyKind: "privacy" }, ADMIN);
    const subject = await newSubject("rollback");
    const current = await db().policyVersion.findMany({ orderBy: { publishedAt: "desc" } });
    await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms", "rollback-used"],
        policyVersionIds: [current.find((v) => v.kind === "terms")!.id, current.find((v) => v.kind === "privacy")!.id],
        method: "signup",
      },
      PERSON,
    );
    await expectFailingAuditToAbort(() => retirePurpose({ key: "rollback-used" }, ADMIN));
    expect((await db().purpose.findUnique({ where: { key: "rollback-used" } }))!.retiredAt).toBeNull();
  });

  it("reinstatePurpose", async () => {
    await createPurpose({ key: "rollback-retired", title: "R", description: "x", policyKind: "privacy" }, ADMIN);
    await db().purpose.update({ where: { key: "rollback-retired" }, data: { retiredAt: new Date() } });
    await expectFailingAuditToAbort(() => reinstatePurpose({ key: "rollback-retired" }, ADMIN));
    expect((await db().purpose.findUnique({ where: { key: "rollback-retired" } }))!.retiredAt).not.toBeNull();
  });

  it("savePolicyDraft, new and edited", async () => {
    await expectFailingAuditToAbort(() =>
      savePolicyDraft({ kind: "privacy", version: "rollback-1", title: "Privacy", text: "x" }, ADMIN),
    );
    expect(await db().policyDraft.count({ where: { version: "rollback-1" } })).toBe(0);

    const draft = await savePolicyDraft({ kind: "privacy", version: "rollback-2", title: "Privacy", text: "v" }, ADMIN);
    await expectFailingAuditToAbort(() =>
      savePolicyDraft({ id: draft.id, kind: "privacy", version: "rollback-2", title: "Privacy", text: "w" }, ADMIN),
    );
    expect((await db().policyDraft.findUnique({ where: { id: draft.id } }))!.text).toBe("v");
  });

  it("deletePolicyDraft", async () => {
    const draft = await savePolicyDraft({ kind: "privacy", version: "rollback-3", title: "Privacy", text: "x" }, ADMIN);
    await expectFailingAuditToAbort(() => deletePolicyDraft({ id: draft.id }, ADMIN));
    expect(await db().policyDraft.findUnique({ where: { id: draft.id } })).not.toBeNull();
  });

  it("publishPolicyVersion and publishPolicyDraft", async () => {
    await expectFailingAuditToAbort(() =>
      publishPolicyVersion(
        { kind: "terms", version: "rollback-9", title: "Terms", url: "/policies/terms/rollback-9", text: "t" },
        ADMIN,
      ),
    );
    expect(await db().policyVersion.count({ where: { version: "rollback-9" } })).toBe(0);

    const draft = await savePolicyDraft({ kind: "terms", version: "rollback-4", title: "Terms", text: "d" }, ADMIN);
    await expectFailingAuditToAbort(() => publishPolicyDraft({ id: draft.id, textSha256: sha256Hex("d") }, ADMIN));
    expect(await db().policyVersion.count({ where: { version: "rollback-4" } })).toBe(0);
    expect(await db().policyDraft.findUnique({ where: { id: draft.id } })).not.toBeNull();
  });

  it("changeWithdrawalPolicy", async () => {
    expect(await readWithdrawalPolicy()).toEqual({ onRequiredWithdrawal: "flag" });
    await expectFailingAuditToAbort(() => changeWithdrawalPolicy({ onRequiredWithdrawal: "delete" }, ADMIN));
    expect(await readWithdrawalPolicy()).toEqual({ onRequiredWithdrawal: "flag" });
  });

  it("createStaffApiToken and revokeStaffApiToken", async () => {
    await expectFailingAuditToAbort(() =>
      createStaffApiToken({ label: "rollback", role: "compliance", expiresInDays: 1 }, ADMIN),
    );
    expect(await db().staffApiToken.count({ where: { label: "rollback" } })).toBe(0);

    const { id } = await createStaffApiToken({ label: "kept", role: "compliance", expiresInDays: 1 }, ADMIN);
    await expectFailingAuditToAbort(() => revokeStaffApiToken({ tokenId: id }, ADMIN));
    expect((await db().staffApiToken.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
    await revokeStaffApiToken({ tokenId: id }, ADMIN);
    const changes = await db().adminChange.findMany({ where: { target: id }, orderBy: { at: "asc" } });
    expect(changes.map((change) => [change.action, change.actorType, change.actorId])).toEqual([
      ["api_token.create", "staff", ADMIN.id],
      ["api_token.revoke", "staff", ADMIN.id],
    ]);
  });
});
