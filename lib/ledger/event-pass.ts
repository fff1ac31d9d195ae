import type pg from "pg";
import type { ConsentEvent, ConsentState } from "@/lib/generated/prisma/client";
import { releaseRows } from "@/lib/db/snapshot-reader";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import { hashLeafData } from "@/lib/transparency/leaf-table";
import { canonicalEventJson, ChainChecker, type ChainBreak, type ChainHead } from "./event-hash";
import { projectEvent } from "./project-consent-state";
import type { ProjectedState } from "./subject-table";

/** A subject whose events were all read: where its chain ends and its consent state rebuilt from them. */
interface SubjectResult {
  subjectId: string;
  /** Null when the chain broke (`firstBreak` says where). */
  end: ChainHead | null;
  firstBreak: ChainBreak | null;
  states: ProjectedState[];
}

/**
 * What one batch of events yields: each event's log leaf hash (by event id), and the subjects
 * finished in it. Plain data, so that a worker thread can post it (`verify-events-in-workers.ts`).
 */
export interface EventBatchResult {
  events: number;
  eventIds: string[];
  /** `hashLeafData` of each event's leaf, in `eventIds` order. */
  leafHashes: string[];
  subjects: SubjectResult[];
}

/** The events of subjects `from` ≤ id < `to` (`to` null: to the end), in batches of `batchSize`. */
export interface EventRange {
  from: string;
  to: string | null;
  batchSize: number;
}

/** Every subject id sorts at or after this one. */
export const FIRST_SUBJECT_ID = "00000000-0000-0000-0000-000000000000";

const COLUMNS = `e.id, e.subject_id AS "subjectId", e.seq, e.hash_version AS "hashVersion", e.action::text AS action,
  e.purpose_id AS "purposeId", e.purpose_version_id AS "purposeVersionId", e.purpose_text_sha256 AS "purposeTextSha256",
  e.policy_version_id AS "policyVersionId", e.policy_text_sha256 AS "policyTextSha256", e.method::text AS method,
  e.actor_type::text AS "actorType", e.actor_id AS "actorId", e.actor_reason AS "actorReason",
  e.client_time AS "clientTime", e.server_time AS "serverTime", e.ip_truncated AS "ipTruncated",
  e.user_agent_hash AS "userAgentHash", e.idempotency_key AS "idempotencyKey",
  e.request_fingerprint AS "requestFingerprint", e.prev_hash AS "prevHash", e.hash`;

/**
 * The next `limit` events in (subject_id, seq) order: keyset pagination over that unique index,
 * one named statement planned once. No join: the subjects' heads and consent states are checked
 * after the events, each table read once in its own physical order (`checkSubjectRows`, ADR 048),
 * because a join let the planner switch, as fewer rows remained, from a merge join to parallel
 * nested loops that cost 5× more per batch (ADR 046); and no join to LogLeaf either, each event's
 * leaf being found among the leaves read once in log order.
 */
async function readBatch(
  reader: pg.Client,
  after: { subjectId: string; seq: number } | null,
  range: EventRange,
): Promise<ConsentEvent[]> {
  // The first batch starts at the range's first subject id, whatever its events' seq: an event an
  // insider added with seq 0 (the CHECK dropped) is still read, and fails its chain.
  const values: unknown[] = after ? [after.subjectId, after.seq, range.batchSize] : [range.from, range.batchSize];
  const conditions = [after ? `(e.subject_id, e.seq) > ($1::uuid, $2::int)` : `e.subject_id >= $1::uuid`];
  if (range.to !== null) {
    values.push(range.to);
    conditions.push(`e.subject_id < $${values.length}::uuid`);
  }
  const { rows } = await reader.query<ConsentEvent>({
    name: `verify-ledger-events-${after ? "next" : "first"}${range.to === null ? "" : "-before"}`,
    text: `SELECT ${COLUMNS} FROM "ConsentEvent" e WHERE ${conditions.join(" AND ")}
           ORDER BY e.subject_id, e.seq LIMIT $${after ? 3 : 2}`,
    values,
  });
  return rows;
}

/**
 * Reads the range's events and checks each subject's chain, rebuilds its consent state and
 * computes each event's log leaf: the verifier's main cost. The caller matches the leaves and
 * the subjects with the other tables; `onBatch` is awaited before the next batch is handled.
 */
export async function readEventRange(
  reader: pg.Client,
  range: EventRange,
  onBatch: (result: EventBatchResult) => Promise<void>,
): Promise<void> {
  let current = null as { checker: ChainChecker; projection: Map<string, ConsentState> } | null;
  const finish = (subjects: SubjectResult[]) => {
    if (!current) return;
    const { checker, projection } = current;
    subjects.push({
      subjectId: checker.subjectId,
      end: checker.end(),
      firstBreak: checker.firstBreak,
      states: [...projection.values()],
    });
  };
  let next = readBatch(reader, null, range);
  try {
    for (;;) {
      const batch = await next;
      // The database reads the next batch while this one is hashed (they run on different cores).
      const full = batch.length === range.batchSize;
      if (full) {
        const lastRead = batch[batch.length - 1]!;
        next = readBatch(reader, { subjectId: lastRead.subjectId, seq: lastRead.seq }, range);
      }
      const result: EventBatchResult = { events: batch.length, eventIds: [], leafHashes: [], subjects: [] };
      for (const event of batch) {
        if (current?.checker.subjectId !== event.subjectId) {
          finish(result.subjects);
          current = { checker: new ChainChecker(event.subjectId), projection: new Map() };
        }
        // Encoded once for both the chain hash and the log leaf.
        const fieldsJson = canonicalEventJson(event);
        current.checker.add(event, fieldsJson);
        projectEvent(current.projection, event);
        result.eventIds.push(event.id);
        result.leafHashes.push(hashLeafData(consentEventLeaf(event, fieldsJson).data));
      }
      releaseRows(batch);
      if (!full) finish(result.subjects);
      await onBatch(result);
      if (!full) return;
    }
  } finally {
    next.catch(() => undefined); // a prefetch still running when something else failed
  }
}

/**
 * Reads every event of the snapshot and hands each batch's results to `onBatch`, one at a time.
 * `reader` reads the snapshot on this thread; other connections open `snapshot` at `url`.
 */
export type EventReader = (
  source: { reader: pg.Client; snapshot: string; url: string; batchSize: number },
  onBatch: (result: EventBatchResult) => Promise<void>,
) => Promise<void>;

/** `verifyLedger`'s default: one pass over all subjects on this thread. */
export const eventsOnThisThread: EventReader = ({ reader, batchSize }, onBatch) =>
  readEventRange(reader, { from: FIRST_SUBJECT_ID, to: null, batchSize }, onBatch);
