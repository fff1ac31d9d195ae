import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Auth0Directory } from "@/lib/compliance/auth0-directory";
import { searchSubjects } from "@/lib/compliance/search-subjects";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { readChangeFeed } from "@/lib/consent-api/read-change-feed";
import { closeExportPool } from "@/lib/exports/export-pool";
import { startLedgerDownload } from "@/lib/exports/start-ledger-download";
import { integrateQueuedLeaves } from "@/lib/transparency/integrate-queued-leaves";
import { newSignedUpSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import { adminActor, personActor, staffActor } from "@/test/actors";
import { asOwner } from "@/test/owner-database";
import { startReplicatedPostgres, type ReplicatedPostgres } from "@/test/replicated-postgres";
import { db, replicaDb } from "./client";

// Issue 17 point 5 (ADR 039): staff search, exports and the change feed read from a real
// streaming replica (Debian's PostgreSQL 15, primary and standby), everything else from the
// primary. Pausing the standby's replay makes the difference visible.

const staff = staffActor("auth0|replica-staff");
const admin = adminActor("auth0|replica-admin");
const nobodyInAuth0: Auth0Directory = {
  findByEmail: () => Promise.resolve([]),
  findById: () => Promise.resolve(null),
};

let cluster: ReplicatedPostgres;

beforeAll(async () => {
  cluster = await startReplicatedPostgres();
  // Before any client exists: the portal's configuration is read once, on first use.
  process.env.DATABASE_URL = cluster.appUrl;
  process.env.DATABASE_REPLICA_URL = cluster.replicaAppUrl;
  process.env.DATABASE_OWNER_URL = cluster.ownerUrl;
  await seedCatalog();
}, 120_000);

afterAll(async () => {
  await closeExportPool();
  await replicaDb()?.$disconnect();
  await db().$disconnect();
  const holder = globalThis as unknown as { prisma?: unknown; prismaReplica?: unknown };
  delete holder.prisma;
  delete holder.prismaReplica;
  await cluster?.stop();
}, 60_000);

const searchByEmail = (email: string) => searchSubjects(staff, { email }, { directory: nobodyInAuth0 });

async function download(): Promise<string> {
  const result = await startLedgerDownload({ dataset: "consent_state", format: "csv" }, admin);
  if (result.kind !== "stream") throw new Error(`expected a download, got ${result.kind}`);
  return text(result.stream);
}

async function feedSubjects(): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let after = -1; ;) {
    const page = await readChangeFeed({ after, limit: 500 }, staff);
    for (const event of page.events) seen.add(event.subjectId);
    if (!page.hasMore) return seen;
    after = page.nextAfter;
  }
}

describe("reads from a streaming replica", () => {
  it("staff search, the change feed and exports read the replica; a person's own page reads the primary", async () => {
    let late: Awaited<ReturnType<typeof newSignedUpSubject>> | undefined;
    const early = await newSignedUpSubject("replica-early", ["terms", "analytics"]);
    await integrateQueuedLeaves();
    await cluster.waitForReplay();

    await cluster.pauseReplay();
    try {
      late = await newSignedUpSubject("replica-late", ["terms", "analytics"]);
      await integrateQueuedLeaves();

      // The person reads their own write at once (the primary).
      const own = await readConsentStatus(late.id);
      expect(own!.purposes.find((row) => row.purpose.key === "analytics")!.status).toBe("granted");

      // Staff reads come from the paused replica: the earlier person is there, the new one not yet.
      expect((await searchByEmail(early.email!)).subjects.map((hit) => hit.id)).toEqual([early.id]);
      expect((await searchByEmail(late.email!)).subjects).toEqual([]);
      const feed = await feedSubjects();
      expect(feed.has(early.id)).toBe(true);
      expect(feed.has(late.id)).toBe(false);
      const csv = await download();
      expect(csv).toContain(early.id);
      expect(csv).not.toContain(late.id);

      // Every one of those reads was logged on the primary while the replica could replay nothing,
      // naming the replica and the WAL position that was shown.
      const logs = await db().accessLog.findMany({
        where: { actorId: { in: [staff.id, admin.id] } },
        orderBy: { at: "asc" },
      });
      expect(logs.map((row) => row.action)).toEqual([
        "subject.search",
        "subject.search",
        "api.events.read",
        "report.export",
      ]);
      for (const row of logs.slice(0, 3)) {
        const detail = row.detail as { readFrom?: string; replayedLsn?: string };
        expect(detail.readFrom).toBe("replica");
        expect(detail.replayedLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      }
    } finally {
      await cluster.resumeReplay();
    }

    await cluster.waitForReplay();
    const caughtUp = late;
    expect((await searchByEmail(caughtUp.email!)).subjects.map((hit) => hit.id)).toEqual([caughtUp.id]);
    expect((await feedSubjects()).has(caughtUp.id)).toBe(true);
    expect(await download()).toContain(caughtUp.id);
  }, 120_000);

  it("never shows a decision the primary lacks, and misses nothing once it has caught up", async () => {
    const people = await Promise.all(
      Array.from({ length: 6 }, (_, index) => newSignedUpSubject(`replica-stream-${index}`, ["terms", "analytics"])),
    );
    const primaryEvents = async () =>
      new Map(
        (await db().consentEvent.findMany({ select: { id: true, hash: true } })).map((row) => [row.id, row.hash]),
      );
    // Decisions keep coming while the replica is read; each replica snapshot must be a subset of
    // what the primary has when it is checked (the primary only ever grows).
    const decisions = (async () => {
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(
          people.map((person) =>
            round % 2 === 0
              ? withdrawConsent({ subjectId: person.id, purposes: ["analytics"] }, personActor(person.auth0UserId!))
              : signUp(person.id, ["analytics"], { method: "portal" }),
          ),
        );
        await integrateQueuedLeaves();
      }
    })();
    let snapshots = 0;
    let done = false;
    void decisions.finally(() => (done = true));
    while (!done || snapshots < 3) {
      const onReplica = await replicaDb()!.consentEvent.findMany({ select: { id: true, hash: true } });
      const onPrimary = await primaryEvents();
      for (const row of onReplica) expect(onPrimary.get(row.id)).toBe(row.hash);
      snapshots += 1;
    }
    await decisions;

    await integrateQueuedLeaves();
    await cluster.waitForReplay();
    const replicaRows = await replicaDb()!.consentEvent.findMany({ select: { id: true, hash: true } });
    expect(new Map(replicaRows.map((row) => [row.id, row.hash]))).toEqual(await primaryEvents());
    expect(await replicaDb()!.logLeaf.count()).toBe(await db().logLeaf.count());
    expect(await replicaDb()!.accessLog.count()).toBe(await db().accessLog.count());
  }, 120_000);

  it("refuses a write sent to the replica, so a misrouted write fails instead of going astray", async () => {
    await expect(
      replicaDb()!.accessLog.create({
        data: { actorType: "system", actorId: "misrouted", actorRole: "system", action: "subject.search" },
      }),
    ).rejects.toThrow(/read-only transaction/);
  });

  it("returns nothing from the replica when the access log on the primary refuses the read's row", async () => {
    const person = await newSignedUpSubject("replica-unlogged", ["terms"]);
    await cluster.waitForReplay();
    await asOwner((owner) =>
      owner.query(`
        CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'access log unavailable (test)'; END; $$;
        CREATE TRIGGER "AccessLog_refuse_insert" BEFORE INSERT ON "AccessLog"
          FOR EACH ROW EXECUTE FUNCTION refuse_access_log();`),
    );
    try {
      await expect(searchByEmail(person.email!)).rejects.toThrow();
      await expect(readChangeFeed({}, staff)).rejects.toThrow();
      await expect(download()).rejects.toThrow();
    } finally {
      await asOwner((owner) =>
        owner.query(`DROP TRIGGER "AccessLog_refuse_insert" ON "AccessLog"; DROP FUNCTION refuse_access_log();`),
      );
    }
  });
});
