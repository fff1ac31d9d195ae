import "server-only";
import type pg from "pg";
import { db, type Db, type Tx } from "@/lib/db/client";
import { exportSnapshot, openSnapshotReader } from "@/lib/db/snapshot-reader";
import { env } from "@/lib/env";
import type { ConsentEvent, ConsentState, Prisma } from "@/lib/generated/prisma/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import {
  checkAuditRows,
  finishLogVerification,
  ProblemList,
  readLogTree,
  readWitnessClaims,
  RowCheck,
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

const BATCH = 5_000;

/**
 * The next `limit` events in (subject_id, seq) order: keyset pagination over that unique index,
 * one named statement planned once. No join: the subjects' heads come from the side reader
 * (`readHeads`), because a join let the planner switch, as fewer rows remained, from a merge
 * join to parallel nested loops that cost 5× more per batch (ADR 046); and no join to LogLeaf
 * either, each event's leaf being found among the leaves read once in log order.
 */
async function readBatch(
  reader: pg.Client,
  after: { subjectId: string; seq: number },
  limit: number,
): Promise<ConsentEvent[]> {
  const { rows } = await reader.query<ConsentEvent>({
    name: "verify-ledger-events",
    text: `SELECT e.id, e.subject_id AS "subjectId", e.seq, e.hash_version AS "hashVersion", e.action::text AS action,
        e.purpose_id AS "purposeId", e.purpose_version_id AS "purposeVersionId", e.purpose_text_sha256 AS "purposeTextSha256",
        e.policy_version_id AS "policyVersionId", e.policy_text_sha256 AS "policyTextSha256", e.method::text AS method,
        e.actor_type::text AS "actorType", e.actor_id AS "actorId", e.actor_reason AS "actorReason",
        e.client_time AS "clientTime", e.server_time AS "serverTime", e.ip_truncated AS "ipTruncated",
        e.user_agent_hash AS "userAgentHash", e.idempotency_key AS "idempotencyKey",
        e.request_fingerprint AS "requestFingerprint", e.prev_hash AS "prevHash", e.hash
      FROM "ConsentEvent" e WHERE (e.subject_id, e.seq) > ($1::uuid, $2::int)
      ORDER BY e.subject_id, e.seq LIMIT $3`,
    values: [after.subjectId, after.seq, limit],
  });
  return rows;
}

/** Every event sorts after this: seq starts at 1. */
const BEFORE_FIRST_EVENT = { subjectId: "00000000-0000-0000-0000-000000000000", seq: 0 };

/** The recorded heads of the subjects in one range of ids (a batch's), by id. */
async function readHeads(side: pg.Client, first: string, last: string): Promise<Map<string, ChainHead>> {
  const { rows } = await side.query<ChainHead & { id: string }>({
    name: "verify-ledger-heads",
    text: `SELECT id, last_seq AS "lastSeq", last_hash AS "lastHash" FROM "Subject" WHERE id BETWEEN $1::uuid AND $2::uuid`,
    values: [first, last],
  });
  return new Map(rows.map((row) => [row.id, { lastSeq: row.lastSeq, lastHash: row.lastHash }]));
}

/** How far a running verification has got, reported after each batch. */
interface LedgerVerificationProgress {
  /** Log entries in the snapshot: they are read first, in log order. */
  totalLogEntries: number;
  readLogEntries: number;
  /** Events in the snapshot being verified: their chains are checked after the log is read. */
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
  /** Events per read (default 5,000); tests use small batches so subjects straddle their edges. */
  batchSize?: number;
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
  const batchSize = options.batchSize ?? BATCH;
  const started = performance.now();
  const witnessed = await readWitnessClaims(options.witnesses);
  const result = await client.$transaction(
    async (tx) => {
      await onSnapshot?.(tx);
      let totalEvents = 0;
      let totalLogEntries = 0;
      if (onProgress) {
        // The log's entries are counted by `readLogTree`, which sizes its table with the count.
        const [count] = await tx.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total FROM "ConsentEvent"`;
        totalEvents = Number(count?.total ?? 0);
      }
      const broken: ChainBreak[] = [];
      const problems = new ProblemList(maxBroken);
      const projectionMismatches: LedgerVerification["projectionMismatches"] = [];
      const projections = new Map<string, Map<string, ConsentState>>();
      let subjects = 0;
      let events = 0;
      const record = (firstBreak: ChainBreak | null) => {
        if (firstBreak && broken.length < maxBroken) broken.push(firstBreak);
      };
      let current = null as { checker: ChainChecker; head: ChainHead } | null;
      // Two readers of this transaction's snapshot: one streams the bulk (leaves, then events,
      // then audit rows), the other answers the per-batch lookups beside it.
      const snapshot = await exportSnapshot(tx);
      const url = options.databaseUrl ?? env().DATABASE_URL;
      const reader = await openSnapshotReader(snapshot, url);
      const side = await openSnapshotReader(snapshot, url).catch(async (error: unknown) => {
        await reader.end();
        throw error;
      });
      let next: Promise<ConsentEvent[]> | null = null;
      let log: LogVerification;
      try {
        const tree = await readLogTree(
          reader,
          problems,
          witnessed,
          onProgress &&
            ((readLogEntries, leavesTotal) => {
              totalLogEntries = leavesTotal;
              return onProgress({ totalLogEntries, readLogEntries, totalEvents, processedEvents: 0, subjects: 0 });
            }),
        );
        const check = new RowCheck(tree.leaves, problems);
        next = readBatch(reader, BEFORE_FIRST_EVENT, batchSize);
        for (;;) {
          const batch = await next;
          // The database reads the next batch while this one is hashed (they run on different cores).
          const lastRead = batch[batch.length - 1];
          if (batch.length === batchSize) {
            next = readBatch(reader, { subjectId: lastRead!.subjectId, seq: lastRead!.seq }, batchSize);
          }
          // From the subject the last batch ended in (its events may all have been in that batch,
          // and this one may be empty) to this batch's last.
          const first = current?.checker.subjectId ?? batch[0]?.subjectId;
          const stored = first ? readStoredProjections(side, first, lastRead?.subjectId ?? first) : null;
          const heads = lastRead
            ? await readHeads(side, batch[0]!.subjectId, lastRead.subjectId)
            : new Map<string, ChainHead>();
          for (const event of batch) {
            if (current?.checker.subjectId !== event.subjectId) {
              if (current) record(current.checker.finish(current.head));
              current = {
                checker: new ChainChecker(event.subjectId),
                // No Subject row at all: a head of nothing, which any event contradicts.
                head: heads.get(event.subjectId) ?? { lastSeq: 0, lastHash: null },
              };
              projections.set(event.subjectId, new Map());
              subjects += 1;
            }
            // Encoded once for both the chain hash and the log leaf (the verifier's main cost).
            const fieldsJson = canonicalEventJson(event);
            current.checker.add(event, fieldsJson);
            projectEvent(projections.get(event.subjectId)!, event);
            check.add("consent_event", event.id, consentEventLeaf(event, fieldsJson).data);
            events += 1;
          }
          await check.settle(side);
          // Subjects whose events all arrived are compared with their stored projection now.
          const unfinished = batch.length === batchSize ? lastRead!.subjectId : null;
          const complete = new Map([...projections].filter(([subjectId]) => subjectId !== unfinished));
          for (const subjectId of complete.keys()) projections.delete(subjectId);
          for (const mismatch of compareProjections(complete, stored ? await stored : [])) {
            if (projectionMismatches.length < maxBroken) projectionMismatches.push(mismatch);
          }
          await onProgress?.({
            totalLogEntries,
            readLogEntries: tree.leaves.size,
            totalEvents,
            processedEvents: events,
            subjects,
          });
          if (batch.length < batchSize) break;
        }
        await checkAuditRows(reader, check);
        log = finishLogVerification(tree, check, problems);
      } finally {
        next?.catch(() => undefined); // a prefetch still running when something else failed
        await Promise.all([reader.end(), side.end()]);
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

type StoredProjection = Pick<
  ConsentState,
  "subjectId" | "purposeId" | "status" | "policyVersionId" | "eventId" | "seq"
>;

/**
 * The stored ConsentState rows of a batch's subjects: they are consecutive in id order, so their
 * rows are one range of the primary key (two parameters, where an id list sent one per subject).
 */
async function readStoredProjections(side: pg.Client, first: string, last: string): Promise<StoredProjection[]> {
  const { rows } = await side.query<StoredProjection>({
    name: "verify-ledger-projections",
    text: `SELECT subject_id::text AS "subjectId", purpose_id::text AS "purposeId", status::text AS status,
             policy_version_id::text AS "policyVersionId", event_id::text AS "eventId", seq
           FROM "ConsentState" WHERE subject_id BETWEEN $1::uuid AND $2::uuid`,
    values: [first, last],
  });
  return rows;
}

/** Compares rebuilt projections with the stored ConsentState rows of the same subjects. */
function compareProjections(
  rebuilt: Map<string, Map<string, ConsentState>>,
  stored: StoredProjection[],
): Array<{ subjectId: string; message: string }> {
  if (rebuilt.size === 0) return [];
  const storedBySubject = new Map<string, StoredProjection[]>();
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
