import "server-only";
import { randomUUID } from "node:crypto";
import { db, type Db, type Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import type { ChainBreak } from "@/lib/ledger/event-hash";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { Actor } from "@/lib/auth/actor";

const VERIFICATION_JOB_SETTING = "compliance.ledgerVerificationJob";
/** A running job whose heartbeat is older than this is taken to have died with its server. */
const STALE_AFTER_MS = 60_000;
const LOCK_KEY = 727_001; // pg advisory lock: one verification at a time, across instances

/** A whole-ledger verification started from the integrity page, with its progress. */
export interface VerificationJob {
  id: string;
  status: "running" | "done" | "failed";
  startedBy: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  /** Log entries in the snapshot (0 until counted), read first; absent in jobs of older versions. */
  totalLogEntries?: number;
  readLogEntries?: number;
  /** Events in the snapshot being verified (0 until counted). */
  totalEvents: number;
  processedEvents: number;
  subjects: number;
  result: { ok: boolean; firstBroken: ChainBreak | null; brokenChains: number; durationMs: number } | null;
  error: string | null;
}

const toJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonObject;

async function writeJob(job: VerificationJob, client: Db | Tx = db()): Promise<void> {
  await client.setting.upsert({
    where: { key: VERIFICATION_JOB_SETTING },
    create: { key: VERIFICATION_JOB_SETTING, value: toJson(job) },
    update: { value: toJson(job), updatedAt: new Date() },
  });
}

/** The latest verification job (running or finished), or null if none was ever started. */
export async function readLedgerVerificationJob(): Promise<VerificationJob | null> {
  const setting = await db().setting.findUnique({ where: { key: VERIFICATION_JOB_SETTING } });
  return (setting?.value as VerificationJob | undefined) ?? null;
}

export function isRunning(job: VerificationJob | null, now = Date.now()): boolean {
  return job?.status === "running" && now - Date.parse(job.heartbeatAt) < STALE_AFTER_MS;
}

/**
 * Starts verifying the whole ledger, unless a verification is already running (then returns
 * that one). The start is written to the access log. `schedule` runs the work after the
 * response (Next.js `after()`); tests await it.
 */
export async function startLedgerVerification(
  actor: Actor,
  schedule: (work: () => Promise<void>) => void,
): Promise<{ job: VerificationJob; started: boolean }> {
  const decision = await db().$transaction(async (tx) => {
    // Serialize starts on the job row (created on first use).
    await tx.$executeRaw`INSERT INTO "Setting" (key, value) VALUES (${VERIFICATION_JOB_SETTING}, 'null'::jsonb) ON CONFLICT (key) DO NOTHING`;
    const rows = await tx.$queryRaw<Array<{ value: VerificationJob | null }>>`
      SELECT value FROM "Setting" WHERE key = ${VERIFICATION_JOB_SETTING} FOR UPDATE`;
    const current = rows[0]?.value ?? null;
    if (isRunning(current)) return { job: current!, started: false };
    const now = new Date().toISOString();
    const job: VerificationJob = {
      id: randomUUID(),
      status: "running",
      startedBy: actor.id,
      startedAt: now,
      heartbeatAt: now,
      finishedAt: null,
      totalLogEntries: 0,
      readLogEntries: 0,
      totalEvents: 0,
      processedEvents: 0,
      subjects: 0,
      result: null,
      error: null,
    };
    await writeJob(job, tx);
    await appendAccessLog({ action: "ledger.verify", detail: { jobId: job.id } }, actor, tx);
    return { job, started: true };
  });
  if (decision.started) schedule(() => runLedgerVerification(decision.job));
  return decision;
}

/**
 * Runs `verifyLedger` for the job: one verification at a time across instances (an advisory
 * lock held in the verification's snapshot), progress and heartbeat written to the job after
 * each batch from outside the snapshot so the integrity page can show it while it runs.
 */
async function runLedgerVerification(job: VerificationJob): Promise<void> {
  const progress = async (patch: Partial<VerificationJob>) => {
    Object.assign(job, patch, { heartbeatAt: new Date().toISOString() });
    await writeJob(job);
  };
  try {
    const verification = await verifyLedger({
      record: true,
      onSnapshot: async (tx) => {
        const [lock] = await tx.$queryRaw<
          Array<{ locked: boolean }>
        >`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`;
        if (!lock?.locked) throw new Error("another verification holds the lock");
      },
      onProgress: (counts) => progress(counts),
    });
    await progress({
      status: "done",
      finishedAt: verification.verifiedAt,
      subjects: verification.subjects,
      result: {
        ok: verification.ok,
        firstBroken: verification.firstBroken,
        brokenChains: verification.broken.length,
        durationMs: verification.durationMs,
      },
    });
  } catch (error) {
    logger.error({ err: error, jobId: job.id }, "ledger verification failed");
    await progress({
      status: "failed",
      finishedAt: new Date().toISOString(),
      error: "The verification could not finish. Try again; if it keeps failing, run `npm run ledger:verify`.",
    });
  }
}
