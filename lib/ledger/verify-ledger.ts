import "server-only";
import pg from "pg";
import { db, type Db, type Tx } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { ConsentEvent, ConsentState, Prisma } from "@/lib/generated/prisma/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import {
  compareLeaf,
  ProblemList,
  readWitnessClaims,
  verifyLog,
  type LogVerification,
} from "@/lib/transparency/verify-log";
import { canonicalEventJson, ChainChecker, type ChainBreak, type ChainHead } from "./event-hash";
import { projectEvent } from "./project-consent-state";

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
  /** Subjects whose ConsentState rows differ from a rebuild from their events (at most `maxBroken`). */
  projectionMismatches: Array<{ subjectId: string; message: string }>;
  /** The transparency log: every row in it once, its tree against the witnesses (ADR 028). */
  log: LogVerification;
}

type EventWithHead = ConsentEvent & {
  headSeq: number;
  headHash: string | null;
  leafData: string | null;
};

const BATCH = 5_000;

async function readBatch(
  reader: pg.Client,
  after: { subjectId: string; seq: number } | null,
): Promise<EventWithHead[]> {
  const columns = `e.id, e.subject_id AS "subjectId", e.seq, e.hash_version AS "hashVersion", e.action::text AS action,
    e.purpose_id AS "purposeId", e.purpose_version_id AS "purposeVersionId", e.purpose_text_sha256 AS "purposeTextSha256",
    e.policy_version_id AS "policyVersionId", e.policy_text_sha256 AS "policyTextSha256", e.method::text AS method,
    e.actor_type::text AS "actorType", e.actor_id AS "actorId", e.actor_reason AS "actorReason",
    e.client_time AS "clientTime", e.server_time AS "serverTime", e.ip_truncated AS "ipTruncated",
    e.user_agent_hash AS "userAgentHash", e.idempotency_key AS "idempotencyKey",
    e.request_fingerprint AS "requestFingerprint", e.prev_hash AS "prevHash", e.hash,
    s.last_seq AS "headSeq", s.last_hash AS "headHash", l.data AS "leafData"`;
  const from = `FROM "ConsentEvent" e JOIN "Subject" s ON s.id = e.subject_id
    LEFT JOIN "LogLeaf" l ON l.row_id = e.id`;
  // Keyset pagination over the (subject_id, seq) unique index. `s.id >= $1` repeats the bound
  // on the Subject side: without it the merge join scans Subject's primary key from its first
  // row on every batch, so each batch costs more than the last (quadratic in the ledger).
  // Named statements: planned once for the whole pass.
  const { rows } = after
    ? await reader.query<EventWithHead>({
        name: "verify-ledger-next-batch",
        text: `SELECT ${columns} ${from} WHERE (e.subject_id, e.seq) > ($1::uuid, $2::int) AND s.id >= $1::uuid ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`,
        values: [after.subjectId, after.seq],
      })
    : await reader.query<EventWithHead>({
        name: "verify-ledger-first-batch",
        text: `SELECT ${columns} ${from} ORDER BY e.subject_id, e.seq LIMIT ${BATCH}`,
      });
  return rows;
}

/**
 * A second connection that reads the transaction's snapshot (`pg_export_snapshot`): the events,
 * the bulk of the rows, come through `pg` alone (Prisma's row conversion cost the verifier, bound
 * by Node's one thread, about a third of its time), while the transaction's own connection
 * answers the smaller queries beside it.
 */
async function openSnapshotReader(tx: Tx, url: string): Promise<pg.Client> {
  const [exported] = await tx.$queryRaw<Array<{ snapshot: string }>>`SELECT pg_export_snapshot() AS snapshot`;
  const reader = new pg.Client({ connectionString: url, application_name: "consent-portal-verify" });
  // A socket error rejects the pending query; unheard, the event would end the process.
  reader.on("error", () => undefined);
  await reader.connect();
  try {
    await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await reader.query(`SET TRANSACTION SNAPSHOT '${exported!.snapshot.replace(/[^0-9A-F-]/gi, "")}'`);
  } catch (error) {
    await reader.end();
    throw error;
  }
  return reader;
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
  /** The database `client` connects to (default DATABASE_URL): the events are read over `pg`. */
  databaseUrl?: string;
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
  /** Witnesses to ask besides the configured ones (`npm run ledger:verify -- --witness url#key`). */
  witnesses?: Array<{ url: string; verifierKey: string }>;
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
  const witnessed = await readWitnessClaims(options.witnesses);
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
      const problems = new ProblemList(maxBroken);
      const projectionMismatches: LedgerVerification["projectionMismatches"] = [];
      const projections = new Map<string, Map<string, ConsentState>>();
      let subjects = 0;
      let events = 0;
      let pending = 0;
      const record = (firstBreak: ChainBreak | null) => {
        if (firstBreak && broken.length < maxBroken) broken.push(firstBreak);
      };
      let current = null as { checker: ChainChecker; head: ChainHead } | null;
      const reader = await openSnapshotReader(tx, options.databaseUrl ?? env().DATABASE_URL);
      let next = readBatch(reader, null);
      try {
        for (;;) {
          const batch = await next;
          // Only events not integrated yet are looked up in the queue (a few, near the end).
          const queued = await readQueuedLeaves(
            tx,
            batch.filter((event) => event.leafData === null).map((event) => event.id),
          );
          // The database reads the next batch while this one is hashed (they run on different cores).
          const lastRead = batch[batch.length - 1];
          if (batch.length === BATCH) next = readBatch(reader, { subjectId: lastRead!.subjectId, seq: lastRead!.seq });
          for (const event of batch) {
            if (current?.checker.subjectId !== event.subjectId) {
              if (current) record(current.checker.finish(current.head));
              current = {
                checker: new ChainChecker(event.subjectId),
                head: { lastSeq: event.headSeq, lastHash: event.headHash },
              };
              projections.set(event.subjectId, new Map());
              subjects += 1;
            }
            // Encoded once for both the chain hash and the log leaf (the verifier's main cost).
            const fieldsJson = canonicalEventJson(event);
            current.checker.add(event, fieldsJson);
            projectEvent(projections.get(event.subjectId)!, event);
            const queuedData = queued.get(event.id) ?? null;
            compareLeaf(
              problems,
              event.id,
              consentEventLeaf(event, fieldsJson).data,
              event.leafData,
              queuedData,
              () => {
                pending += 1;
              },
            );
            events += 1;
          }
          // Subjects whose events all arrived are compared with their stored projection now.
          const unfinished = batch.length === BATCH ? batch[batch.length - 1]!.subjectId : null;
          const complete = new Map([...projections].filter(([subjectId]) => subjectId !== unfinished));
          for (const subjectId of complete.keys()) projections.delete(subjectId);
          for (const mismatch of await compareProjections(tx, complete)) {
            if (projectionMismatches.length < maxBroken) projectionMismatches.push(mismatch);
          }
          await onProgress?.({ totalEvents, processedEvents: events, subjects });
          if (batch.length < BATCH) break;
        }
      } finally {
        next.catch(() => undefined); // a prefetch still running when something else failed
        await reader.end();
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
      // Projection rows of subjects that have no events at all cannot come from the ledger.
      const orphans = await tx.$queryRaw<Array<{ subjectId: string }>>`
        SELECT DISTINCT c.subject_id AS "subjectId" FROM "ConsentState" c
        WHERE NOT EXISTS (SELECT 1 FROM "ConsentEvent" e WHERE e.subject_id = c.subject_id) LIMIT ${maxBroken}`;
      for (const orphan of orphans) {
        projectionMismatches.push({ subjectId: orphan.subjectId, message: "consent state without any event" });
      }
      const log = await verifyLog(tx, { rows: events, pending }, problems, witnessed);
      return { broken, subjects, events, projectionMismatches, log };
    },
    // A whole-ledger read: one snapshot, and far longer than a request's transaction.
    { ...TRANSACTION_OPTIONS, isolationLevel: "RepeatableRead", timeout: 30 * 60_000 },
  );
  const verification: LedgerVerification = {
    ok: result.broken.length === 0 && result.projectionMismatches.length === 0 && result.log.ok,
    verifiedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    subjects: result.subjects,
    events: result.events,
    firstBroken: result.broken[0] ?? null,
    broken: result.broken,
    projectionMismatches: result.projectionMismatches,
    log: result.log,
  };
  if (options.record) {
    const value = JSON.parse(
      JSON.stringify({
        ...verification,
        broken: verification.broken.slice(0, 20),
        projectionMismatches: verification.projectionMismatches.slice(0, 20),
        log: { ...verification.log, problems: verification.log.problems.slice(0, 20) },
      }),
    ) as Prisma.InputJsonObject;
    await client.setting.upsert({
      where: { key: LAST_VERIFICATION_SETTING },
      create: { key: LAST_VERIFICATION_SETTING, value },
      update: { value, updatedAt: new Date() },
    });
  }
  return verification;
}

/** Compares rebuilt projections with the stored ConsentState rows of the same subjects. */
async function readQueuedLeaves(tx: Tx, rowIds: string[]): Promise<Map<string, string>> {
  if (rowIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<Array<{ row_id: string; data: string }>>`
    SELECT DISTINCT ON (row_id) row_id::text AS row_id, data FROM "LogQueue"
    WHERE row_id = ANY(${rowIds}::uuid[]) ORDER BY row_id, id`;
  return new Map(rows.map((row) => [row.row_id, row.data]));
}

async function compareProjections(
  tx: Tx,
  rebuilt: Map<string, Map<string, ConsentState>>,
): Promise<Array<{ subjectId: string; message: string }>> {
  if (rebuilt.size === 0) return [];
  // The batch's subjects are consecutive in id order, so their rows are one range of the primary
  // key: two parameters, where an id list sent one per subject (1,250 per batch).
  let first = "";
  let last = "";
  for (const subjectId of rebuilt.keys()) {
    if (!first || subjectId < first) first = subjectId;
    if (subjectId > last) last = subjectId;
  }
  const stored = await tx.$queryRaw<
    Array<Pick<ConsentState, "subjectId" | "purposeId" | "status" | "policyVersionId" | "eventId" | "seq">>
  >`SELECT subject_id::text AS "subjectId", purpose_id::text AS "purposeId", status::text AS status,
      policy_version_id::text AS "policyVersionId", event_id::text AS "eventId", seq
    FROM "ConsentState" WHERE subject_id BETWEEN ${first}::uuid AND ${last}::uuid`;
  const storedBySubject = new Map<string, typeof stored>();
  for (const row of stored) {
    if (!rebuilt.has(row.subjectId)) continue; // rows without events: the orphan check reports them
    const rows = storedBySubject.get(row.subjectId);
    if (rows) rows.push(row);
    else storedBySubject.set(row.subjectId, [row]);
  }
  const mismatches: Array<{ subjectId: string; message: string }> = [];
  for (const [subjectId, expected] of rebuilt) {
    const rows = storedBySubject.get(subjectId) ?? [];
    const differs =
      rows.length !== expected.size ||
      rows.some((row) => {
        const want = expected.get(row.purposeId);
        return (
          !want ||
          want.status !== row.status ||
          want.policyVersionId !== row.policyVersionId ||
          want.eventId !== row.eventId ||
          want.seq !== row.seq
        );
      });
    if (differs) {
      mismatches.push({ subjectId, message: "the stored consent state differs from a rebuild from the events" });
    }
  }
  return mismatches;
}

/** The last recorded verification (for the integrity report), or null. */
export async function readLastLedgerVerification(client: Db = db()): Promise<LedgerVerification | null> {
  const setting = await client.setting.findUnique({ where: { key: LAST_VERIFICATION_SETTING } });
  return (setting?.value as LedgerVerification | undefined) ?? null;
}
