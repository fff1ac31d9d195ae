import "server-only";
import type pg from "pg";
import { db, type Db, type Tx } from "@/lib/db/client";
import { exportSnapshot, openSnapshotReader, releaseRows } from "@/lib/db/snapshot-reader";
import { env } from "@/lib/env";
import type { ConsentState, Prisma } from "@/lib/generated/prisma/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import {
  checkAuditRows,
  finishLogVerification,
  ProblemList,
  readLogTree,
  readWitnessClaims,
  RowCheck,
  type LogVerification,
} from "@/lib/transparency/verify-log";
import type { ChainBreak } from "./event-hash";
import { eventsOnThisThread, type EventReader } from "./event-pass";
import { SubjectTable } from "./subject-table";

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
  /**
   * How the events are read and hashed: by default on this thread, over the bulk reader; the CLI
   * spreads them over worker threads (`eventsInWorkers`, ADR 053).
   */
  readEvents?: EventReader;
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
      const broken = new BreakList(maxBroken);
      const problems = new ProblemList(maxBroken);
      const projectionMismatches: LedgerVerification["projectionMismatches"] = [];
      let events = 0;
      // Two readers of this transaction's snapshot: one streams the bulk (leaves, then events,
      // then audit rows), the other answers the per-batch lookups and reads the subjects' rows.
      const snapshot = await exportSnapshot(tx);
      const url = options.databaseUrl ?? env().DATABASE_URL;
      const reader = await openSnapshotReader(snapshot, url);
      const side = await openSnapshotReader(snapshot, url).catch(async (error: unknown) => {
        await reader.end();
        throw error;
      });
      let log: LogVerification;
      let subjects: SubjectTable;
      let emptied: number;
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
        subjects = new SubjectTable(await countSubjects(side));
        // A subject's events are all read: its chain's end and rebuilt state are kept for the
        // Subject and ConsentState rows, read once the events are (`checkSubjectRows`).
        await (options.readEvents ?? eventsOnThisThread)({ reader, snapshot, url, batchSize }, async (result) => {
          for (let index = 0; index < result.eventIds.length; index += 1) {
            check.addHash("consent_event", result.eventIds[index]!, result.leafHashes[index]!);
          }
          for (const subject of result.subjects) {
            if (!subject.end) broken.add(subject.firstBreak!);
            subjects.addSubject(subject.subjectId, subject.end, subject.states);
          }
          events += result.events;
          await check.settle(side);
          await onProgress?.({
            totalLogEntries,
            readLogEntries: tree.leaves.size,
            totalEvents,
            processedEvents: events,
            subjects: subjects.size,
          });
        });
        // The audit tables on one reader, the subjects' rows on the other, side by side.
        [, emptied] = await Promise.all([
          checkAuditRows(reader, check),
          checkSubjectRows(side, subjects, broken, projectionMismatches, maxBroken),
        ]);
        log = finishLogVerification(tree, check, problems);
      } finally {
        await Promise.all([reader.end(), side.end()]);
      }
      return { broken: broken.sorted(), subjects: subjects.size + emptied, events, projectionMismatches, log };
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

/** The first `max` chain breaks in (subject id, seq) order, whatever order they are found in. */
class BreakList {
  private items: ChainBreak[] = [];
  constructor(private readonly max: number) {}

  add(item: ChainBreak) {
    this.items.push(item);
    if (this.items.length >= 2 * this.max + 100) this.items = this.sorted();
  }

  sorted(): ChainBreak[] {
    return this.items
      .sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : a.seq - b.seq))
      .slice(0, this.max);
  }
}

/** The planner's estimate of the subjects (to size the table; it grows if short). */
async function countSubjects(reader: pg.Client): Promise<number> {
  const { rows } = await reader.query<{ estimate: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = '"Subject"'::regclass`,
  );
  return rows[0]?.estimate ?? 0;
}

/**
 * Reads a whole table once, in its physical order, through a cursor of this reader's snapshot,
 * the next rows fetched while these are checked.
 */
async function scanTable<Row extends unknown[]>(
  reader: pg.Client,
  cursor: string,
  select: string,
  take: (rows: Row[]) => void,
): Promise<void> {
  await reader.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${select}`);
  const fetch = () => reader.query<Row>({ text: `FETCH ${BATCH * 2} FROM ${cursor}`, rowMode: "array" });
  let next = fetch();
  for (;;) {
    const { rows } = await next;
    const full = rows.length === BATCH * 2;
    if (full) next = fetch();
    take(rows);
    releaseRows(rows);
    if (!full) break;
  }
  await reader.query(`CLOSE ${cursor}`);
}

/**
 * The Subject and ConsentState rows against what the events said (`SubjectTable`): every
 * recorded head against its chain's end, and every subject's stored consent state against its
 * rebuild. Returns how many subjects have a head but no events left.
 */
async function checkSubjectRows(
  reader: pg.Client,
  table: SubjectTable,
  broken: BreakList,
  mismatches: LedgerVerification["projectionMismatches"],
  maxBroken: number,
): Promise<number> {
  let emptied = 0;
  await scanTable<[string, number, string | null]>(
    reader,
    "verify_subjects",
    `SELECT id::text, last_seq, last_hash FROM "Subject"`,
    (rows) => {
      for (const [subjectId, lastSeq, lastHash] of rows) {
        const found = table.checkHead(subjectId, { lastSeq, lastHash });
        if (found) broken.add(found);
        if (found !== undefined || lastSeq === 0) continue;
        // A head that says the subject has events, and none are left: the whole chain was deleted.
        emptied += 1;
        broken.add({
          subjectId,
          seq: 1,
          reason: "missing_events",
          message: `the subject's head is at seq ${lastSeq} but no events are left`,
        });
      }
    },
  );
  for (const missing of table.headsMissing()) broken.add(missing);

  const orphans = new Set<string>();
  await scanTable<[string, string, ConsentState["status"], string | null, string, number]>(
    reader,
    "verify_states",
    `SELECT subject_id::text, purpose_id::text, status::text, policy_version_id::text, event_id::text, seq
     FROM "ConsentState"`,
    (rows) => {
      for (const [subjectId, purposeId, status, policyVersionId, eventId, seq] of rows) {
        const known = table.addStoredState(subjectId, { purposeId, status, policyVersionId, eventId, seq });
        // Rows of a subject without any event cannot come from the ledger.
        if (!known && orphans.size < maxBroken) orphans.add(subjectId);
      }
    },
  );
  for (const subjectId of table.projectionMismatches()) {
    if (mismatches.length >= maxBroken) break;
    mismatches.push({ subjectId, message: "the stored consent state differs from a rebuild from the events" });
  }
  for (const subjectId of orphans) mismatches.push({ subjectId, message: "consent state without any event" });
  return emptied;
}

/** The last recorded verification (for the integrity report), or null. */
export async function readLastLedgerVerification(client: Db = db()): Promise<LedgerVerification | null> {
  const setting = await client.setting.findUnique({ where: { key: LAST_VERIFICATION_SETTING } });
  return (setting?.value as LedgerVerification | undefined) ?? null;
}
