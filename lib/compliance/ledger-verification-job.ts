import "server-only";
import { randomUUID } from "node:crypto";
import { db, type Db, type Tx } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { ChainChecker, type ChainBreak, type ChainHead, type HashedEventColumns } from "@/lib/ledger/event-hash";
import { LAST_VERIFICATION_SETTING, type LedgerVerification } from "@/lib/ledger/verify-ledger";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { Actor } from "@/lib/auth/actor";

export const VERIFICATION_JOB_SETTING = "compliance.ledgerVerificationJob";
/** A running job whose heartbeat is older than this is taken to have died with its server. */
export const STALE_AFTER_MS = 60_000;
const BATCH = 5_000;
const LOCK_KEY = 727_001; // pg advisory lock: one verification at a time, across instances

/** A whole-ledger verification started from the integrity page, with its progress. */
export interface VerificationJob {
  id: string;
  status: "running" | "done" | "failed";
  startedBy: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
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

type EventWithHead = HashedEventColumns & { hash: string; headSeq: number; headHash: string | null };

function readBatch(tx: Tx, after: { subjectId: string; seq: number } | null): Promise<EventWithHead[]> {
  const columns = `e.id, e.subject_id AS "subjectId", e.seq, e.action::text AS action, e.purpose_id AS "purposeId",
    e.policy_version_id AS "policyVersionId", e.policy_text_sha256 AS "policyTextSha256", e.method::text AS method,
    e.actor_type::text AS "actorType", e.actor_id AS "actorId", e.actor_reason AS "actorReason",
    e.client_time AS "clientTime", e.server_time AS "serverTime", e.ip_truncated AS "ipTruncated",
    e.user_agent_hash AS "userAgentHash", e.idempotency_key AS "idempotencyKey",
    e.request_fingerprint AS "requestFingerprint", e.prev_hash AS "prevHash", e.hash,
    s.last_seq AS "headSeq", s.last_hash AS "headHash"`;
  const from = `FROM "ConsentEvent" e JOIN "Subject" s ON s.id = e.subject_id`;
  return after
    ? tx.$queryRawUnsafe<EventWithHead[]>(
        `SELECT ${columns} ${from} WHERE (e.subject_id, e.seq) > ($1::uuid, $2::int) ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`,
        after.subjectId,
        after.seq,
      )
    : tx.$queryRawUnsafe<EventWithHead[]>(`SELECT ${columns} ${from} ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`);
}

/**
 * Recomputes every chain from one snapshot, as `verifyLedger` does (same checker, same order,
 * same report, recorded under the same setting), writing progress to the job after each batch
 * from outside the snapshot so the integrity page can show it while it runs.
 */
export async function runLedgerVerification(job: VerificationJob): Promise<void> {
  const started = performance.now();
  const progress = async (patch: Partial<VerificationJob>) => {
    Object.assign(job, patch, { heartbeatAt: new Date().toISOString() });
    await writeJob(job);
  };
  try {
    const outcome = await db().$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<
          Array<{ locked: boolean }>
        >`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`;
        if (!lock?.locked) throw new Error("another verification holds the lock");
        const [count] = await tx.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total FROM "ConsentEvent"`;
        await progress({ totalEvents: Number(count?.total ?? 0) });
        const broken: ChainBreak[] = [];
        let subjects = 0;
        let events = 0;
        const record = (firstBreak: ChainBreak | null) => {
          if (firstBreak && broken.length < 100) broken.push(firstBreak);
        };
        let current = null as { checker: ChainChecker; head: ChainHead } | null;
        let after: { subjectId: string; seq: number } | null = null;
        for (;;) {
          const batch = await readBatch(tx, after);
          for (const event of batch) {
            if (current?.checker.subjectId !== event.subjectId) {
              if (current) record(current.checker.finish(current.head));
              current = {
                checker: new ChainChecker(event.subjectId),
                head: { lastSeq: event.headSeq, lastHash: event.headHash },
              };
              subjects += 1;
            }
            current.checker.add(event);
            events += 1;
          }
          await progress({ processedEvents: events, subjects });
          if (batch.length < BATCH) break;
          const last = batch[batch.length - 1]!;
          after = { subjectId: last.subjectId, seq: last.seq };
        }
        if (current) record(current.checker.finish(current.head));
        // A subject whose head says it has events but none are left: the whole chain was deleted.
        const emptied = await tx.$queryRaw<Array<{ id: string; lastSeq: number }>>`
          SELECT s.id, s.last_seq AS "lastSeq" FROM "Subject" s
          WHERE s.last_seq > 0 AND NOT EXISTS (SELECT 1 FROM "ConsentEvent" e WHERE e.subject_id = s.id)
          ORDER BY s.id`;
        for (const subject of emptied) {
          subjects += 1;
          if (broken.length < 100) {
            broken.push({
              subjectId: subject.id,
              seq: 1,
              reason: "missing_events",
              message: `the subject's head is at seq ${subject.lastSeq} but no events are left`,
            });
          }
        }
        broken.sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : a.seq - b.seq));
        return { broken, subjects, events };
      },
      { isolationLevel: "RepeatableRead", maxWait: 15_000, timeout: 30 * 60_000 },
    );
    const verification: LedgerVerification = {
      ok: outcome.broken.length === 0,
      verifiedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      subjects: outcome.subjects,
      events: outcome.events,
      firstBroken: outcome.broken[0] ?? null,
      broken: outcome.broken.slice(0, 20),
    };
    await db().setting.upsert({
      where: { key: LAST_VERIFICATION_SETTING },
      create: { key: LAST_VERIFICATION_SETTING, value: toJson(verification) },
      update: { value: toJson(verification), updatedAt: new Date() },
    });
    await progress({
      status: "done",
      finishedAt: verification.verifiedAt,
      subjects: outcome.subjects,
      result: {
        ok: verification.ok,
        firstBroken: verification.firstBroken,
        brokenChains: outcome.broken.length,
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
