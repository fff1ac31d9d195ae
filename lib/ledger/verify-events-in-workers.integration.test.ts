import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { exportSnapshot } from "@/lib/db/snapshot-reader";
import { env } from "@/lib/env";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { PERSON } from "@/test/actors";
import { asOwner } from "@/test/owner-database";
import { tamperWithLedger } from "@/test/tamper-with-ledger";
import { openSnapshotReader } from "@/lib/db/snapshot-reader";
import { readEventRange, type EventBatchResult } from "./event-pass";
import { eventsInWorkers } from "./verify-events-in-workers";
import { verifyLedger } from "./verify-ledger";

// The worker threads only read: the main thread is never handed their connection.
const noReader = null as unknown as pg.Client;

/** Runs `read` against a snapshot of the database as it is now. */
function inSnapshot<T>(read: (snapshot: string) => Promise<T>): Promise<T> {
  return db().$transaction(async (tx) => read(await exportSnapshot(tx)), {
    isolationLevel: "RepeatableRead",
    timeout: 60_000,
  });
}

describe("eventsInWorkers", () => {
  const subjectIds: string[] = [];
  beforeAll(async () => {
    const { termsId } = await seedCatalog();
    for (let person = 0; person < 6; person += 1) {
      const subject = await newSubject("workers");
      subjectIds.push(subject.id);
      await grantConsent(
        { subjectId: subject.id, purposes: ["terms"], policyVersionIds: [termsId], method: "signup" },
        PERSON,
      );
    }
  });

  it("hands on every event of the snapshot once, one batch at a time", async () => {
    const expected = await db().consentEvent.findMany({ select: { id: true } });
    const seen: string[] = [];
    let running = 0;
    await inSnapshot((snapshot) =>
      eventsInWorkers(3)({ reader: noReader, snapshot, url: env().DATABASE_URL, batchSize: 2 }, async (batch) => {
        running += 1;
        expect(running).toBe(1);
        seen.push(...batch.eventIds);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      }),
    );
    expect(seen.sort()).toEqual(expected.map((event) => event.id).sort());
  });

  it("reads a ledger smaller than `minEvents` on the calling thread, and says so", async () => {
    const expected = await db().consentEvent.count();
    let threads = 0;
    let seen = 0;
    await inSnapshot(async (snapshot) => {
      const reader = await openSnapshotReader(snapshot, env().DATABASE_URL);
      try {
        const read = eventsInWorkers(3, { minEvents: 100_000, onThreads: (count) => (threads = count) });
        await read({ reader, snapshot, url: env().DATABASE_URL, batchSize: 2 }, (batch) => {
          seen += batch.events;
          return Promise.resolve();
        });
      } finally {
        await reader.end();
      }
    });
    expect(threads).toBe(1);
    expect(seen).toBe(expected);
  });

  it("fails the whole read, and stops its workers, when a batch cannot be checked", async () => {
    let batches = 0;
    const read = inSnapshot((snapshot) =>
      eventsInWorkers(2)(
        { reader: noReader, snapshot, url: env().DATABASE_URL, batchSize: 1 },
        (batch: EventBatchResult) => {
          batches += 1;
          return batch.events > 0 ? Promise.reject(new Error("the log table is gone")) : Promise.resolve();
        },
      ),
    );
    await expect(read).rejects.toThrow("the log table is gone");
    expect(batches).toBe(1);
  });

  it("fails the whole read when a worker cannot open the snapshot", async () => {
    const read = eventsInWorkers(2)(
      { reader: noReader, snapshot: "00000003-000000FF-1", url: env().DATABASE_URL, batchSize: 10 },
      () => Promise.resolve(),
    );
    await expect(read).rejects.toThrow(/snapshot/);
  });

  // Last: it leaves the ledger tampered with.
  it("reads a range from its first subject id whatever the seq, so an event added with seq 0 breaks its chain", async () => {
    const subjectId = subjectIds[0]!;
    await asOwner((owner) => owner.query(`ALTER TABLE "ConsentEvent" DROP CONSTRAINT "ConsentEvent_seq_check"`));
    await tamperWithLedger(
      `INSERT INTO "ConsentEvent"
       SELECT (jsonb_populate_record(NULL::"ConsentEvent", to_jsonb(e) ||
         jsonb_build_object('id', gen_random_uuid(), 'seq', 0, 'idempotency_key', 'added-before-the-first', 'hash', repeat('f', 64)))).*
       FROM "ConsentEvent" e WHERE e.subject_id = $1 AND e.seq = 1`,
      [subjectId],
    );
    const first = await inSnapshot(async (snapshot) => {
      const reader = await openSnapshotReader(snapshot, env().DATABASE_URL);
      const seen: string[] = [];
      try {
        await readEventRange(reader, { from: subjectId, to: null, batchSize: 1 }, (batch) => {
          seen.push(...batch.eventIds);
          return Promise.resolve();
        });
      } finally {
        await reader.end();
      }
      return seen[0];
    });
    const added = await db().consentEvent.findFirstOrThrow({ where: { subjectId, seq: 0 }, select: { id: true } });
    expect(first).toBe(added.id);
    const report = await verifyLedger({ readEvents: eventsInWorkers(2) });
    expect(report.broken).toContainEqual(expect.objectContaining({ subjectId, seq: 1, reason: "seq_gap" }));
  });
});
