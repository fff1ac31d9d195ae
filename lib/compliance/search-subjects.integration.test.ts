import { beforeAll, describe, expect, it } from "vitest";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { db } from "@/lib/db/client";
import type { Auth0Directory, Auth0Person } from "./auth0-directory";
import { searchSubjects } from "./search-subjects";
import { PERSON, staffActor } from "@/test/actors";

const actor = staffActor("auth0|compliance-search");
let policies: { termsId: string; privacyId: string };

/** A directory that answers like Auth0 for one legacy person, and counts calls. */
function fakeDirectory(people: Auth0Person[]): Auth0Directory & { calls: number } {
  const directory = {
    calls: 0,
    findByEmail(email: string) {
      directory.calls += 1;
      return Promise.resolve(people.filter((person) => person.email === email.toLowerCase()));
    },
    findById(userId: string) {
      return Promise.resolve(people.find((person) => person.userId === userId) ?? null);
    },
  };
  return directory;
}

const lastLog = () => db().accessLog.findFirstOrThrow({ where: { actorId: actor.id }, orderBy: { at: "desc" } });

const signedUp = (optional: string[] = []) => newSignedUpSubject("search", ["terms", ...optional]);

describe("searchSubjects", () => {
  let ada: Awaited<ReturnType<typeof signedUp>>;
  let bob: Awaited<ReturnType<typeof signedUp>>;

  beforeAll(async () => {
    policies = await seedCatalog();
    ada = await signedUp(["analytics"]);
    bob = await signedUp(["analytics", "marketing-email"]);
    await withdrawConsent({ subjectId: bob.id, purposes: ["analytics"] }, PERSON);
  });

  it("finds a person by exact email in any case, and logs the search with the blind index only", async () => {
    const result = await searchSubjects(actor, { email: ada.email!.toUpperCase() });
    expect(result.mode).toBe("identifier");
    expect(result.subjects.map((hit) => hit.id)).toEqual([ada.id]);
    expect(result.subjects[0]).toMatchObject({ email: ada.email, erasedAt: null });
    expect(result.subjects[0]!.states.map((row) => [row.purposeKey, row.status])).toEqual([
      ["analytics", "granted"],
      ["terms", "granted"],
    ]);
    const log = await lastLog();
    expect(log).toMatchObject({ action: "subject.search", subjectId: ada.id, actorRole: "compliance" });
    expect(JSON.stringify(log.detail)).not.toContain(ada.email!);
    expect(log.detail).toMatchObject({
      emailBlindIndex: computeEmailBlindIndex(emailBlindIndexKey(), ada.email!),
      results: 1,
      via: "session",
    });
  });

  it("finds a person by Auth0 user id and by subject id; identifiers must agree", async () => {
    expect((await searchSubjects(actor, { auth0UserId: bob.auth0UserId! })).subjects.map((hit) => hit.id)).toEqual([
      bob.id,
    ]);
    expect((await searchSubjects(actor, { subjectId: bob.id })).subjects.map((hit) => hit.id)).toEqual([bob.id]);
    expect((await searchSubjects(actor, { subjectId: bob.id, email: ada.email! })).subjects).toEqual([]);
  });

  it("with filters, finds a person only when one of their states matches, and then shows all of them", async () => {
    const nobody = fakeDirectory([]);
    const withdrawn = await searchSubjects(actor, { email: bob.email!, status: "withdrawn" }, { directory: nobody });
    expect(withdrawn.subjects.map((hit) => hit.id)).toEqual([bob.id]);
    expect(withdrawn.subjects[0]!.states.map((row) => [row.purposeKey, row.status])).toEqual([
      ["analytics", "withdrawn"],
      ["marketing-email", "granted"],
      ["terms", "granted"],
    ]);
    expect((await searchSubjects(actor, { subjectId: ada.id, status: "withdrawn" })).subjects).toEqual([]);
    expect(
      (await searchSubjects(actor, { email: ada.email!, purpose: "analytics", policyVersionId: policies.privacyId }))
        .subjects,
    ).toMatchObject([{ id: ada.id }]);
    expect(
      (
        await searchSubjects(
          actor,
          { email: ada.email!, purpose: "terms", policyVersionId: policies.privacyId },
          { directory: nobody },
        )
      ).subjects,
    ).toEqual([]);
  });

  it("filters current consent by purpose, state and policy version, newest first, in keyset pages", async () => {
    const withdrawn = await searchSubjects(actor, { purpose: "analytics", status: "withdrawn" });
    expect(withdrawn.mode).toBe("filter");
    expect(withdrawn.states.map((row) => row.subjectId)).toEqual([bob.id]);
    expect(withdrawn.states[0]).toMatchObject({ email: bob.email, purposeKey: "analytics", status: "withdrawn" });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await searchSubjects(actor, { policyVersionId: policies.privacyId, limit: 1, cursor });
      seen.push(...result.states.map((row) => `${row.subjectId}/${row.purposeKey}`));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    // ada: analytics; bob: analytics (withdrawn, same version) and marketing-email.
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);

    // A purpose decided under another document's version can match nothing.
    expect((await searchSubjects(actor, { purpose: "terms", policyVersionId: policies.privacyId })).states).toEqual([]);
  });

  it("filters by the day of the current decision", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const result = await searchSubjects(actor, { purpose: "terms", from: today, to: today });
    expect(result.states.map((row) => row.subjectId)).toEqual(expect.arrayContaining([ada.id, bob.id]));
    expect((await searchSubjects(actor, { purpose: "terms", to: "2000-01-01" })).states).toEqual([]);
    // The widest range the database can compare with: its ends reach PostgreSQL as they are.
    const widest = await searchSubjects(actor, { purpose: "terms", from: "0001-01-01", to: "9999-12-31" });
    expect(widest.states.map((row) => row.subjectId)).toEqual(expect.arrayContaining([ada.id, bob.id]));
  });

  it("refuses an empty search and bad input, naming the field", async () => {
    await expect(searchSubjects(actor, {})).rejects.toMatchObject({ code: "validation_failed", field: "email" });
    await expect(searchSubjects(actor, { purpose: "no-such-purpose" })).rejects.toMatchObject({ field: "purpose" });
    await expect(searchSubjects(actor, { purpose: "terms", cursor: "forged" })).rejects.toMatchObject({
      field: "cursor",
    });
    await expect(searchSubjects(actor, { from: "2026-02-01", to: "2026-01-01" })).rejects.toMatchObject({
      field: "to",
    });
    // PostgreSQL has no year 0 (this was a 500); JavaScript would roll 30 February over to March.
    for (const from of ["0000-01-01", "2026-02-30"]) {
      await expect(searchSubjects(actor, { from })).rejects.toMatchObject({ code: "validation_failed", field: "from" });
    }
  });

  it("finds a person Auth0 knows but the ledger does not, with their legacy consent, and logs it", async () => {
    const legacy: Auth0Person = {
      userId: "auth0|legacy-1",
      email: "legacy.person@example.com",
      name: "Legacy Person",
      createdAt: "2018-01-23T00:00:00.000Z",
      consentMetadata: { given: true, date: "01/23/2018", text_details: "some-url" },
      flaggedDeleted: false,
      flatConsentKeys: {},
    };
    const directory = fakeDirectory([legacy]);
    const result = await searchSubjects(actor, { email: "Legacy.Person@example.com" }, { directory });
    expect(result.subjects).toEqual([]);
    expect(result.auth0Only).toEqual([legacy]);
    expect(await lastLog()).toMatchObject({
      action: "subject.search",
      detail: { source: "auth0", auth0UserIds: ["auth0|legacy-1"] },
    });
    // A person the ledger knows never costs an Auth0 call.
    await searchSubjects(actor, { email: ada.email! }, { directory });
    expect(directory.calls).toBe(1);
  });

  it("treats an Auth0 match whose user the ledger knows (email changed in Auth0) as that subject", async () => {
    const moved: Auth0Person = {
      userId: ada.auth0UserId!,
      email: "ada.new.address@example.com",
      name: null,
      createdAt: null,
      consentMetadata: null,
      flaggedDeleted: false,
      flatConsentKeys: {},
    };
    const result = await searchSubjects(actor, { email: moved.email! }, { directory: fakeDirectory([moved]) });
    expect(result.subjects.map((hit) => hit.id)).toEqual([ada.id]);
    expect(result.auth0Only).toEqual([]);
  });
});
