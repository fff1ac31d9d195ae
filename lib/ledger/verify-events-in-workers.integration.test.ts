import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { exportSnapshot } from "@/lib/db/snapshot-reader";
import { env } from "@/lib/env";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { PERSON } from "@/test/actors";
import type { EventBatchResult } from "./event-pass";
import { eventsInWorkers } from "./verify-events-in-workers";

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
  beforeAll(async () => {
    const { termsId } = await seedCatalog();
    for (let person = 0; person < 6; person += 1) {
      const subject = await newSubject("workers");
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
});
