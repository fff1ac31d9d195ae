import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { tamperWithLedger } from "@/test/tamper-with-ledger";
import { db } from "@/lib/db/client";
import type { Auth0Directory, Auth0Person } from "./auth0-directory";
import { readSubjectAudit } from "./read-subject-audit";
import { recordOnBehalf } from "./record-on-behalf";
import { adminActor, staffActor } from "@/test/actors";

const compliance = staffActor("auth0|audit-compliance");
const admin = adminActor("auth0|audit-admin");
let policies: { termsId: string; privacyId: string };

function directoryWith(person: Partial<Auth0Person> | null): Auth0Directory {
  return {
    findByEmail: () => Promise.resolve([]),
    findById: (userId) =>
      Promise.resolve(
        person
          ? {
              userId,
              email: null,
              name: null,
              createdAt: null,
              consentMetadata: null,
              flaggedDeleted: false,
              flatConsentKeys: {},
              ...person,
            }
          : null,
      ),
  };
}

const signedUp = () => newSignedUpSubject("audit", ["terms", "analytics"]);

const onBehalf = (subjectId: string, fields: Record<string, unknown>) => ({
  subjectId,
  purpose: "marketing-email",
  decision: "grant" as const,
  channel: "paper" as const,
  reason: "Signed form ref. PAPER-2026-0042",
  policyVersionIds: [policies.termsId, policies.privacyId],
  idempotencyKey: randomUUID(),
  ...fields,
});

beforeAll(async () => {
  policies = await seedCatalog();
});

describe("readSubjectAudit", () => {
  it("shows state, the full history and a verified chain, and logs the view", async () => {
    const subject = await signedUp();
    const audit = await readSubjectAudit(compliance, subject.id, {
      directory: directoryWith({ consentMetadata: await readConsentMetadata(subject.id) }),
    });
    expect(audit.subject.email).toBe(subject.email);
    expect(audit.chain).toEqual({ ok: true, events: 2, firstBroken: null });
    expect(audit.history.map((event) => [event.seq, event.action, event.purposeKey, event.method])).toEqual([
      [1, "granted", "analytics", "signup"],
      [2, "granted", "terms", "signup"],
    ]);
    expect(audit.history[1]).toMatchObject({
      policy: { kind: "terms", version: "1" },
      actorType: "self",
    });
    expect(audit.history[1]!.policyTextSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(audit.status.purposes.find((row) => row.purpose.key === "analytics")?.status).toBe("granted");
    expect(audit.auth0).toMatchObject({ state: "found", comparison: { differences: 0, auth0Shape: "projection" } });
    expect(audit.pendingSync).toBe(1);
    expect(
      await db().accessLog.findFirst({
        where: { actorId: compliance.id, subjectId: subject.id, action: "subject.view" },
      }),
    ).not.toBeNull();
  });

  it("calls out Auth0 metadata that differs, and says when Auth0 has no such user or is down", async () => {
    const subject = await signedUp();
    const legacy = await readSubjectAudit(compliance, subject.id, {
      directory: directoryWith({ consentMetadata: { given: false, date: "01/23/2018", text_details: "some-url" } }),
    });
    expect(legacy.auth0).toMatchObject({ state: "found", comparison: { auth0Shape: "legacy" } });
    const rows = legacy.auth0.state === "found" ? legacy.auth0.comparison.rows : [];
    expect(rows.find((row) => row.field === "given")).toMatchObject({ ledger: "true", auth0: "false", same: false });

    expect((await readSubjectAudit(compliance, subject.id, { directory: directoryWith(null) })).auth0).toEqual({
      state: "not_found",
    });
    const down: Auth0Directory = {
      findByEmail: () => Promise.resolve([]),
      findById: async () => {
        const { AppError } = await import("@/lib/errors");
        throw new AppError("upstream_unavailable", "Auth0 could not be reached; try again shortly.");
      },
    };
    expect((await readSubjectAudit(compliance, subject.id, { directory: down })).auth0).toMatchObject({
      state: "unreachable",
    });
  });

  it("shows a broken chain at the first event that does not verify", async () => {
    const subject = await signedUp();
    await tamperWithLedger(`UPDATE "ConsentEvent" SET method = 'portal' WHERE subject_id = $1 AND seq = 2`, [
      subject.id,
    ]);
    const audit = await readSubjectAudit(compliance, subject.id, { directory: directoryWith(null) });
    expect(audit.chain).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: "hash_mismatch" } });
  });

  it("is not found for an unknown or malformed id, and logs nothing then", async () => {
    const before = await db().accessLog.count();
    await expect(readSubjectAudit(compliance, randomUUID())).rejects.toMatchObject({ code: "not_found" });
    await expect(readSubjectAudit(compliance, "nope")).rejects.toMatchObject({ code: "not_found" });
    expect(await db().accessLog.count()).toBe(before);
  });
});

describe("recordOnBehalf", () => {
  it("records a grant and a withdrawal with method staff, the admin as actor and the reason", async () => {
    const subject = await signedUp();
    expect(await recordOnBehalf(onBehalf(subject.id, {}), admin)).toMatch(/consent to “Marketing emails” given/);
    expect(
      await recordOnBehalf(
        onBehalf(subject.id, { decision: "withdraw", purpose: "analytics", channel: "phone" }),
        admin,
      ),
    ).toMatch(/withdrawn \(by phone\)/);
    const events = await db().consentEvent.findMany({
      where: { subjectId: subject.id, method: "staff" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => [event.action, event.actorType, event.actorId, event.actorReason])).toEqual([
      ["granted", "staff", admin.id, "Received on paper: Signed form ref. PAPER-2026-0042"],
      ["withdrawn", "staff", admin.id, "Received by phone: Signed form ref. PAPER-2026-0042"],
    ]);
    expect(events[0]!.ipTruncated).toBeNull();
  });

  it("is for admins only; compliance staff read", async () => {
    const subject = await signedUp();
    await expect(recordOnBehalf(onBehalf(subject.id, {}), compliance)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("needs a real reason, and a confirmation to withdraw a required purpose", async () => {
    const subject = await signedUp();
    await expect(recordOnBehalf(onBehalf(subject.id, { reason: "  ok  " }), admin)).rejects.toMatchObject({
      field: "reason",
    });
    await expect(
      recordOnBehalf(onBehalf(subject.id, { decision: "withdraw", purpose: "terms" }), admin),
    ).rejects.toMatchObject({ field: "confirmRequired" });
    expect(
      await recordOnBehalf(
        onBehalf(subject.id, { decision: "withdraw", purpose: "terms", confirmRequired: "yes" }),
        admin,
      ),
    ).toMatch(/withdrawn/);
  });

  it("says so when there is nothing to record", async () => {
    const subject = await signedUp();
    expect(await recordOnBehalf(onBehalf(subject.id, { purpose: "analytics" }), admin)).toMatch(/^Nothing recorded/);
  });
});
