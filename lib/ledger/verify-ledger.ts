import "server-only";
import { db, type Db, type Tx } from "@/lib/db/client";
import type { ConsentEvent, Prisma } from "@/lib/generated/prisma/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { ChainChecker, type ChainBreak, type ChainHead } from "./event-hash";

const LAST_VERIFICATION_SETTING = "ledger.lastVerification";

export interface LedgerVerification {
  ok: boolean;
  verifiedAt: string;
  durationMs: number;
  subjects: number;
  events: number;
  /** The first broken link in (subject id, seq) order, or null when every chain verifies. */
  firstBroken: ChainBreak | null;
  /** The first broken link of each broken subject (at most `maxBroken`). */
  broken: ChainBreak[];
}

type EventWithHead = ConsentEvent & { headSeq: number; headHash: string | null };

const BATCH = 5_000;

async function readBatch(tx: Tx, after: { subjectId: string; seq: number } | null): Promise<EventWithHead[]> {
  const columns = `e.id, e.subject_id AS "subjectId", e.seq, e.hash_version AS "hashVersion", e.action::text AS action,
    e.purpose_id AS "purposeId", e.purpose_version_id AS "purposeVersionId", e.purpose_text_sha256 AS "purposeTextSha256",
    e.policy_version_id AS "policyVersionId", e.policy_text_sha256 AS "policyTextSha256", e.method::text AS method,
    e.actor_type::text AS "actorType", e.actor_id AS "actorId", e.actor_reason AS "actorReason",
    e.client_time AS "clientTime", e.server_time AS "serverTime", e.ip_truncated AS "ipTruncated",
    e.user_agent_hash AS "userAgentHash", e.idempotency_key AS "idempotencyKey",
    e.request_fingerprint AS "requestFingerprint", e.prev_hash AS "prevHash", e.hash,
    s.last_seq AS "headSeq", s.last_hash AS "headHash"`;
  const from = `FROM "ConsentEvent" e JOIN "Subject" s ON s.id = e.subject_id`;
  // Keyset pagination over the (subject_id, seq) unique index: constant cost per batch.
  return after
    ? tx.$queryRawUnsafe<EventWithHead[]>(
        `SELECT ${columns} ${from} WHERE (e.subject_id, e.seq) > ($1::uuid, $2::int) ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`,
        after.subjectId,
        after.seq,
      )
    : tx.$queryRawUnsafe<EventWithHead[]>(`SELECT ${columns} ${from} ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`);
}

/** How far a running verification has got, reported after each batch. */
interface LedgerVerificationProgress {
  /** Events in the snapshot being verified. */
  totalEvents: number;
  processedEvents: number;
  subjects: number;
}

export interface VerifyLedgerOptions {
  /** Store the summary in the `Setting` table for the integrity report. */
  record?: boolean;
  maxBroken?: number;
  client?: Db;
  /**
   * Runs first inside the snapshot's transaction, e.g. to take a transaction-scoped advisory
   * lock; throwing aborts the verification.
   */
  onSnapshot?: (tx: Tx) => Promise<void>;
  /**
   * Called once the snapshot's events are counted, then after each batch. With it, the events are
   * counted first (one extra scan), so callers that show no progress leave it out.
   */
  onProgress?: (progress: LedgerVerificationProgress) => Promise<void>;
}

/**
 * Recomputes every subject's chain and reports the first broken link by subject and seq.
 * Reads one consistent snapshot. The one loop that checks whole-ledger chains: the CLI and the
 * integrity page's job both call it.
 */
export async function verifyLedger(options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
  const client = options.client ?? db();
  const maxBroken = options.maxBroken ?? 100;
  const { onSnapshot, onProgress } = options;
  const started = performance.now();
  const result = await client.$transaction(
    async (tx) => {
      await onSnapshot?.(tx);
      let totalEvents = 0;
      if (onProgress) {
        const [count] = await tx.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total FROM "ConsentEvent"`;
        totalEvents = Number(count?.total ?? 0);
        await onProgress({ totalEvents, processedEvents: 0, subjects: 0 });
      }
      const broken: ChainBreak[] = [];
      let subjects = 0;
      let events = 0;
      const record = (firstBreak: ChainBreak | null) => {
        if (firstBreak && broken.length < maxBroken) broken.push(firstBreak);
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
        await onProgress?.({ totalEvents, processedEvents: events, subjects });
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
        if (broken.length < maxBroken) {
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
    // A whole-ledger read: one snapshot, and far longer than a request's transaction.
    { ...TRANSACTION_OPTIONS, isolationLevel: "RepeatableRead", timeout: 30 * 60_000 },
  );
  const verification: LedgerVerification = {
    ok: result.broken.length === 0,
    verifiedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    subjects: result.subjects,
    events: result.events,
    firstBroken: result.broken[0] ?? null,
    broken: result.broken,
  };
  if (options.record) {
    const value = JSON.parse(
      JSON.stringify({ ...verification, broken: verification.broken.slice(0, 20) }),
    ) as Prisma.InputJsonObject;
    await client.setting.upsert({
      where: { key: LAST_VERIFICATION_SETTING },
      create: { key: LAST_VERIFICATION_SETTING, value },
      update: { value, updatedAt: new Date() },
    });
  }
  return verification;
}

/** The last recorded verification (for the integrity report), or null. */
export async function readLastLedgerVerification(client: Db = db()): Promise<LedgerVerification | null> {
  const setting = await client.setting.findUnique({ where: { key: LAST_VERIFICATION_SETTING } });
  return (setting?.value as LedgerVerification | undefined) ?? null;
}
