// The legacy import (issue 14): Auth0 users with `user_metadata.consent` become ordinary ledger
// events with method `migration`, from an NDJSON stream or straight from an Auth0 users-export
// job run against the emulator.
import { Readable } from "node:stream";
import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { readCurrentPolicyVersions, resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { adminActor, PERSON, staffActor, systemActor } from "@/test/actors";
import { seedCatalog } from "@/test/consent-fixtures";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { importAuth0UsersExport } from "./import-auth0-users-export";
import { importLegacyConsents } from "./import-legacy-consents";

const IMPORTER = systemActor("auth0-import");

let tenant: TestTenant;
let mgmt: ManagementClient;
let auth0: Auth0Gateway;

beforeAll(async () => {
  await seedCatalog();
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "read:connections"],
    exportJobDelayMs: 20,
  });
  mgmt = createManagementClient(tenant.credentials);
  auth0 = createAuth0Gateway(tenant.credentials);
});

afterAll(async () => {
  await tenant?.close();
});

/** An NDJSON stream delivered in small chunks, lines split across them, as a network would. */
function ndjson(lines: string[]): Readable {
  const text = lines.join("\n") + "\n";
  return Readable.from(text.match(/[\s\S]{1,17}/g) ?? []);
}

const legacyUser = (id: string, consent: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ user_id: id, email: `${id.replace(/\W/g, ".")}@example.com`, user_metadata: { consent }, ...extra });

async function eventsOf(auth0UserId: string) {
  const subject = await db().subject.findUnique({ where: { auth0UserId } });
  if (!subject) return [];
  return db().consentEvent.findMany({
    where: { subjectId: subject.id },
    orderBy: { seq: "asc" },
    include: { purpose: { select: { key: true } } },
  });
}

describe("importLegacyConsents", () => {
  it("records each user's consent as migration events with the original date and text_details, and reports bad lines", async () => {
    const queuedBefore = await db().logQueue.count();
    const lines = [
      legacyUser("auth0|stream-a", { given: true, date: "01/23/2018", text_details: "some-url" }),
      "{not json",
      "",
      JSON.stringify({ user_id: "auth0|stream-none", email: "none@example.com" }),
      legacyUser("auth0|stream-bad-date", { given: true, date: "02/30/2018" }),
      JSON.stringify({
        email: "anonymous@example.com",
        user_metadata: { consent: { given: true, date: "01/01/2020" } },
      }),
      legacyUser("auth0|stream-bad-given", { given: "yes", date: "01/01/2020" }),
      legacyUser("auth0|stream-unknown", { given: true, date: "01/01/2020", purposes: { telepathy: true } }),
      legacyUser("auth0|stream-future", { given: true, date: "01/01/2999" }),
      JSON.stringify({
        user_id: "auth0|stream-no-email",
        user_metadata: { consent: { given: true, date: "01/01/2020" } },
      }),
      legacyUser("auth0|stream-flagged", { given: true, date: "01/01/2020" }, { app_metadata: { deleted: true } }),
    ];
    const report = await importLegacyConsents(ndjson(lines), IMPORTER);
    expect(report).toMatchObject({
      lines: 10,
      imported: 1,
      events: 1,
      alreadyImported: 0,
      rejectedCount: 7,
      skippedCount: 2,
    });
    expect(report.rejected).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 5, reason: 'consent.date "02/30/2018" is neither MM/DD/YYYY nor ISO 8601' },
      { line: 6, reason: "`user_id` is missing" },
      { line: 7, reason: "consent.given: `given` must be true or false" },
      { line: 8, reason: "unknown purpose: telepathy" },
      { line: 9, reason: "consent.date 01/01/2999 is in the future" },
      { line: 10, reason: "`email` is missing: the portal identifies people by it" },
    ]);
    expect(report.skipped).toEqual([
      { line: 4, reason: "no user_metadata.consent" },
      { line: 11, reason: "the account is flagged as deleted" },
    ]);

    const [event] = await eventsOf("auth0|stream-a");
    expect(event).toMatchObject({
      action: "granted",
      method: "migration",
      actorType: "system",
      actorId: "auth0-import",
      clientTime: new Date("2018-01-23T00:00:00Z"),
      actorReason: "imported from Auth0 user_metadata.consent; text_details: some-url",
      // "some-url" is no document the portal published: the version is not guessed.
      policyVersionId: null,
      purpose: { key: "terms" },
    });
    expect(event!.purposeVersionId).not.toBeNull();
    // A normal ledger event: in the transparency log's queue, and the chains verify.
    expect(await db().logQueue.count()).toBe(queuedBefore + 1);
    expect((await verifyLedger()).ok).toBe(true);
  });

  it("resumes: a re-run after an interrupted import appends nothing twice and finishes the rest", async () => {
    const lines = [
      legacyUser("auth0|resume-1", { given: true, date: "03/01/2019", text_details: "https://old.example/terms" }),
      legacyUser("auth0|resume-2", { given: false, date: "2019-03-02" }),
      legacyUser("auth0|resume-3", { given: true, date: "2019-03-03T12:00:00Z" }),
    ];
    // The first run stopped after two lines (a crash, a closed connection).
    const first = await importLegacyConsents(ndjson(lines.slice(0, 2)), IMPORTER);
    expect(first).toMatchObject({ imported: 2, events: 2, alreadyImported: 0 });
    const second = await importLegacyConsents(ndjson(lines), IMPORTER);
    expect(second).toMatchObject({ lines: 3, imported: 1, events: 1, alreadyImported: 2, rejectedCount: 0 });
    for (const id of ["auth0|resume-1", "auth0|resume-2", "auth0|resume-3"]) expect(await eventsOf(id)).toHaveLength(1);
    expect((await eventsOf("auth0|resume-2"))[0]).toMatchObject({ action: "withdrawn", purpose: { key: "terms" } });

    // The same user and date with different consent is a conflict, not a second record.
    const conflicting = await importLegacyConsents(
      ndjson([legacyUser("auth0|resume-1", { given: false, date: "03/01/2019" })]),
      IMPORTER,
    );
    expect(conflicting.rejected).toEqual([
      { line: 1, reason: "already imported with different consent for this user and date" },
    ]);
  });

  it("never lets an older legacy record overwrite a later decision; a newer legacy record is recorded", async () => {
    const id = "auth0|ordering";
    await importLegacyConsents(
      ndjson([legacyUser(id, { given: true, date: "2020-01-01", purposes: { terms: true, analytics: true } })]),
      IMPORTER,
    );
    const subject = await db().subject.findUniqueOrThrow({ where: { auth0UserId: id } });
    // Later, in the portal, the person withdraws analytics.
    await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"] }, PERSON);
    const older = await importLegacyConsents(
      ndjson([legacyUser(id, { given: true, date: "2021-06-01", purposes: { analytics: true } })]),
      IMPORTER,
    );
    expect(older.skipped).toEqual([{ line: 1, reason: "the ledger already holds these or later decisions" }]);
    const state = await db().consentState.findMany({ where: { subjectId: subject.id }, include: { purpose: true } });
    expect(state.find((row) => row.purpose.key === "analytics")?.status).toBe("withdrawn");

    // A newer legacy record about a purpose only legacy records decided is recorded.
    const newer = await importLegacyConsents(
      ndjson([legacyUser(id, { given: false, date: "2022-01-01", purposes: { terms: false } })]),
      IMPORTER,
    );
    expect(newer).toMatchObject({ imported: 1, events: 1 });
    expect((await eventsOf(id)).map((event) => [event.purpose?.key, event.action, event.method])).toEqual([
      ["analytics", "granted", "migration"],
      ["terms", "granted", "migration"],
      ["analytics", "withdrawn", "portal"],
      ["terms", "withdrawn", "migration"],
    ]);
  });

  it("imports several people at once, each person's lines in file order", async () => {
    const people = Array.from({ length: 12 }, (_, index) => `auth0|side-by-side-${index}`);
    const dates = ["2019-01-01", "2020-01-01", "2021-01-01"];
    // Interleaved as an export of several sources might be: every person's three records, oldest first.
    const lines = dates.flatMap((date, round) => people.map((id) => legacyUser(id, { given: round !== 1, date })));
    const report = await importLegacyConsents(ndjson(lines), IMPORTER, { concurrency: 4 });
    expect(report).toMatchObject({ lines: 36, imported: 36, events: 36, rejectedCount: 0, skippedCount: 0 });
    for (const id of people) {
      expect((await eventsOf(id)).map((event) => [event.action, event.clientTime?.toISOString().slice(0, 10)])).toEqual(
        [
          ["granted", "2019-01-01"],
          ["withdrawn", "2020-01-01"],
          ["granted", "2021-01-01"],
        ],
      );
    }
  });

  it("is not for people or compliance staff", async () => {
    await expect(importLegacyConsents(ndjson([]), staffActor())).rejects.toMatchObject({ code: "forbidden" });
    await expect(importLegacyConsents(ndjson([]), PERSON)).rejects.toMatchObject({ code: "forbidden" });
    await expect(importLegacyConsents(ndjson([]), adminActor())).resolves.toMatchObject({ lines: 0 });
  });
});

describe("importAuth0UsersExport (npm run import:auth0)", () => {
  it("imports an Auth0 users export made by the emulator, reports its bad users, and a re-run adds nothing", async () => {
    const current = await readCurrentPolicyVersions();
    const termsUrl = resolvePolicyUrl(current.terms!.url);
    const create = (email: string, user_metadata?: Record<string, unknown>, app_metadata?: Record<string, unknown>) =>
      mgmt.users.create({
        connection: "Username-Password-Authentication",
        email,
        password: "Str0ng-enough-pass",
        ...(user_metadata ? { user_metadata } : {}),
        ...(app_metadata ? { app_metadata } : {}),
      });
    const guide = await create("guide.shape@example.com", {
      consent: { given: true, date: "01/23/2018", text_details: "some-url" },
    });
    const portal = await create("portal.shape@example.com", {
      consent: {
        given: true,
        date: "2024-05-01T09:30:00.000Z",
        text_details: termsUrl,
        version: current.terms!.version,
        purposes: { terms: true, analytics: true, "marketing-email": false },
      },
    });
    await create("bad.date@example.com", { consent: { given: true, date: "last spring" } });
    await create("no.consent@example.com");
    await create("flagged@example.com", { consent: { given: true, date: "01/01/2020" } }, { deleted: true });

    const report = await importAuth0UsersExport(IMPORTER, { auth0, pollIntervalMs: 20 });
    expect(report).toMatchObject({
      lines: 5,
      imported: 2,
      events: 4,
      alreadyImported: 0,
      rejectedCount: 1,
      skippedCount: 2,
    });
    expect(report.rejected.map((note) => note.reason)).toEqual([
      'consent.date "last spring" is neither MM/DD/YYYY nor ISO 8601',
    ]);
    expect(report.skipped.map((note) => note.reason).sort()).toEqual([
      "no user_metadata.consent",
      "the account is flagged as deleted",
    ]);

    expect(
      (await eventsOf(guide.user_id!)).map((event) => [event.purpose?.key, event.action, event.clientTime]),
    ).toEqual([["terms", "granted", new Date("2018-01-23T00:00:00Z")]]);
    const portalEvents = await eventsOf(portal.user_id!);
    expect(portalEvents.map((event) => [event.purpose?.key, event.action, event.policyVersionId])).toEqual([
      ["analytics", "granted", null],
      ["marketing-email", "withdrawn", null],
      // text_details names the Terms version the portal published: the event names it too.
      ["terms", "granted", current.terms!.id],
    ]);
    expect(portalEvents[2]!.actorReason).toBe(
      `imported from Auth0 user_metadata.consent; text_details: ${termsUrl}; version: ${current.terms!.version}`,
    );
    // Auth0 will be brought to the portal's shape of the same consent by the outbox.
    const subject = await db().subject.findUniqueOrThrow({ where: { auth0UserId: portal.user_id! } });
    expect(await db().outboxMessage.count({ where: { subjectId: subject.id, kind: "sync_consent" } })).toBe(1);

    const rerun = await importAuth0UsersExport(IMPORTER, { auth0, pollIntervalMs: 20 });
    expect(rerun).toMatchObject({ lines: 5, imported: 0, events: 0, alreadyImported: 2, rejectedCount: 1 });
    expect(await eventsOf(portal.user_id!)).toHaveLength(3);
    // Each run's export job is recorded and in the access log, like an admin's.
    expect(await db().exportJob.count({ where: { dataset: "auth0_users", createdBy: IMPORTER.id } })).toBe(2);
  });
});
