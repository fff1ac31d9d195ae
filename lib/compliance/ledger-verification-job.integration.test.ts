import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { tamperWithLedger } from "@/test/tamper-with-ledger";
import { db } from "@/lib/db/client";
import { readLastLedgerVerification } from "@/lib/ledger/verify-ledger";
import {
  isRunning,
  readLedgerVerificationJob,
  startLedgerVerification,
  type VerificationJob,
} from "./ledger-verification-job";
import { staffActor } from "@/test/actors";
import { integrateQueuedLeaves } from "@/lib/transparency/integrate-queued-leaves";

const actor = staffActor("auth0|integrity");

const subjectWithDecisions = () => newSignedUpSubject("integrity", ["terms", "analytics"]);

/** Runs the scheduled work now, and hands back its promise. */
function runNow() {
  let pending: Promise<void> = Promise.resolve();
  return {
    schedule: (work: () => Promise<void>) => {
      pending = work();
    },
    done: () => pending,
  };
}

describe("ledger verification job", () => {
  beforeAll(async () => {
    await seedCatalog();
    for (let index = 0; index < 3; index += 1) await subjectWithDecisions();
  });

  it("verifies the whole ledger, reports progress to completion and records the result", async () => {
    // The sign-ups' rows are logged, as the running portal's sequencer would have done by now.
    expect((await integrateQueuedLeaves())?.integrated).toBeGreaterThanOrEqual(6);
    const runner = runNow();
    const { job, started } = await startLedgerVerification(actor, runner.schedule);
    expect(started).toBe(true);
    expect(job.status).toBe("running");
    await runner.done();
    const finished = (await readLedgerVerificationJob())!;
    expect(finished).toMatchObject({
      id: job.id,
      status: "done",
      totalEvents: 6,
      processedEvents: 6,
      subjects: 3,
      result: { ok: true, firstBroken: null, brokenChains: 0 },
    });
    // The log (the 6 events and the audit rows beside them) is read whole before the chains.
    expect(finished.totalLogEntries).toBeGreaterThanOrEqual(6);
    expect(finished.readLogEntries).toBe(finished.totalLogEntries);
    expect(await readLastLedgerVerification()).toMatchObject({ ok: true, events: 6, subjects: 3 });
    expect(await db().accessLog.findFirst({ where: { actorId: actor.id, action: "ledger.verify" } })).toMatchObject({
      detail: { jobId: job.id },
    });
  });

  it("does not start a second run while one is running, but takes over a stale one", async () => {
    const running: VerificationJob = {
      ...(await readLedgerVerificationJob())!,
      id: "still-running",
      status: "running",
      heartbeatAt: new Date().toISOString(),
    };
    await db().setting.update({
      where: { key: "compliance.ledgerVerificationJob" },
      data: { value: JSON.parse(JSON.stringify(running)) as object },
    });
    const again = await startLedgerVerification(actor, () => {
      throw new Error("must not schedule");
    });
    expect(again).toMatchObject({ started: false, job: { id: "still-running" } });

    const stale = { ...running, heartbeatAt: new Date(Date.now() - 120_000).toISOString() };
    expect(isRunning(stale)).toBe(false);
    await db().setting.update({
      where: { key: "compliance.ledgerVerificationJob" },
      data: { value: JSON.parse(JSON.stringify(stale)) as object },
    });
    const runner = runNow();
    expect((await startLedgerVerification(actor, runner.schedule)).started).toBe(true);
    await runner.done();
  });

  it("reports a broken chain as the outcome of a completed run, and records it for the integrity report", async () => {
    const victim = await subjectWithDecisions();
    await tamperWithLedger(`UPDATE "ConsentEvent" SET actor_reason = 'edited' WHERE subject_id = $1 AND seq = 2`, [
      victim.id,
    ]);
    const runner = runNow();
    await startLedgerVerification(actor, runner.schedule);
    await runner.done();
    const job = (await readLedgerVerificationJob())!;
    const firstBroken = { subjectId: victim.id, seq: 2, reason: "hash_mismatch" };
    expect(job).toMatchObject({
      status: "done",
      totalEvents: 8,
      processedEvents: 8,
      subjects: 4,
      result: { ok: false, firstBroken, brokenChains: 1 },
    });
    expect(await readLastLedgerVerification()).toMatchObject({ ok: false, events: 8, subjects: 4, firstBroken });
  });

  it("fails the job, without recording a result, while another verification holds the lock", async () => {
    const before = await readLastLedgerVerification();
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(727001)");
      const runner = runNow();
      await startLedgerVerification(actor, runner.schedule);
      await runner.done();
    } finally {
      await holder.end();
    }
    expect(await readLedgerVerificationJob()).toMatchObject({ status: "failed", result: null });
    expect(await readLastLedgerVerification()).toEqual(before);
  });
});
