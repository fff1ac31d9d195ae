import { beforeAll, describe, expect, it } from "vitest";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { tamperWithLedger } from "@/test/tamper-with-ledger";
import { db } from "@/lib/db/client";
import { readLastLedgerVerification, verifyLedger } from "@/lib/ledger/verify-ledger";
import {
  isRunning,
  readLedgerVerificationJob,
  startLedgerVerification,
  type VerificationJob,
} from "./ledger-verification-job";
import type { StaffActor } from "./staff-actor";

const actor: StaffActor = { userId: "auth0|integrity", role: "compliance", via: { type: "session" } };

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
    expect(await readLastLedgerVerification()).toMatchObject({ ok: true, events: 6, subjects: 3 });
    expect(await db().accessLog.findFirst({ where: { actorId: actor.userId, action: "ledger.verify" } })).toMatchObject(
      {
        detail: { jobId: job.id },
      },
    );
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

  it("finds the same first broken link as verifyLedger", async () => {
    const victim = await subjectWithDecisions();
    await tamperWithLedger(`UPDATE "ConsentEvent" SET actor_reason = 'edited' WHERE subject_id = $1 AND seq = 2`, [
      victim.id,
    ]);
    const runner = runNow();
    await startLedgerVerification(actor, runner.schedule);
    await runner.done();
    const job = (await readLedgerVerificationJob())!;
    const reference = await verifyLedger();
    expect(job.result).toMatchObject({
      ok: false,
      firstBroken: reference.firstBroken,
      brokenChains: reference.broken.length,
    });
    expect(job.result?.firstBroken).toMatchObject({ subjectId: victim.id, seq: 2, reason: "hash_mismatch" });
    expect(await readLastLedgerVerification()).toMatchObject({ ok: false, firstBroken: reference.firstBroken });
  });
});
