import "server-only";
import { randomUUID } from "node:crypto";
import { inTransaction, isUniqueViolation } from "@/lib/db/transaction";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type {
  ActorType,
  CollectionMethod,
  ConsentAction,
  ConsentEvent,
  ConsentState,
  OutboxKind,
} from "@/lib/generated/prisma/client";
import { computeEventHash, CURRENT_HASH_FORMAT, GENESIS_HASH } from "./event-hash";
import { projectEvent } from "./project-consent-state";
import { consentEventLeaf, type Leaf } from "@/lib/transparency/leaf-data";
import {
  CONSENT_EVENT_TYPES,
  consentEventWebhookRows,
  type SubscribedEndpoint,
  type WebhookDeliveryRow,
} from "@/lib/webhooks/enqueue-webhook-deliveries";

/** What a caller decides to record; the ledger adds id, seq, time, chain and idempotency fields. */
export interface ConsentEventDraft {
  action: ConsentAction;
  purposeId: string | null;
  /** The purpose wording shown (PurposeVersion); null only for an erasure. */
  purposeVersionId: string | null;
  purposeTextSha256: string | null;
  policyVersionId: string | null;
  policyTextSha256: string | null;
  method: CollectionMethod;
  actorType: ActorType;
  actorId: string | null;
  actorReason: string | null;
  clientTime: Date | null;
  ipTruncated: string | null;
  userAgentHash: string | null;
}

/** The subject row as the append read it (under its lock, or just before its guarded write). */
interface LockedSubject {
  id: string;
  auth0UserId: string | null;
  lastSeq: number;
  lastHash: string | null;
  erasedAt: Date | null;
  /** When the person's address was proved (ADR 040): read with the lock, for double opt-in. */
  emailVerifiedAt: Date | null;
}

export interface AppendConsentEventsInput {
  subjectId: string;
  /** One key per request; every event of the request carries it. */
  idempotencyKey: string;
  /** Fingerprint of the request body: a replay must match it. */
  requestFingerprint: string;
  /**
   * Called with the subject and its current consent state; returns the events to append
   * (possibly none). Only reads: it runs a second time when an optimistic append finds the head
   * moved (ADR 050), then in a transaction with the subject's chain locked.
   */
  decide: (context: { subject: LockedSubject; state: ConsentState[] }, tx: Tx) => Promise<ConsentEventDraft[]>;
  /**
   * The Auth0 change the decided events call for, asked once they are decided: its outbox row is
   * written by the append's own statement (one round trip fewer than a separate INSERT). Subjects
   * without an Auth0 user get none.
   */
  outbox?: () => OutboxKind;
}

export interface AppendConsentEventsResult {
  events: ConsentEvent[];
  /** True when the idempotency key was seen before: `events` are the first request's. */
  replayed: boolean;
  subject: LockedSubject;
}

/**
 * Appends consent decisions to a subject's hash chain, and updates the ConsentState projection.
 *
 * Given a transaction (a caller that writes more with the events), the append runs in it under
 * the subject's lock. Without one it is optimistic (ADR 050): it reads the subject without a
 * lock, decides, and sends one statement that locks the subject and writes only if the head is
 * still the one it read; that statement commits on its own. If the head moved meanwhile, the
 * append decides again, this time in a transaction of its own under the lock. So `decide` may run
 * twice: it must only read, and return its drafts.
 *
 * Idempotency: a known key returns the first request's events when the fingerprint matches and
 * fails with `idempotency_conflict` otherwise. The unique index (subject_id, idempotency_key,
 * purpose_id) backs this up at the database level.
 */
export async function appendConsentEvents(
  input: AppendConsentEventsInput,
  tx?: Tx,
): Promise<AppendConsentEventsResult> {
  if (tx) return appendUnderLock(input, tx);
  if (!contended.has(input.subjectId)) {
    try {
      const read = await readForAppend(db(), input.subjectId, input.idempotencyKey);
      const outcome = await decideAppend(input, read, db());
      if (!outcome.write || (await writeAppend(db(), outcome.write))) return outcome.result;
    } catch (error) {
      // Lost a race on the unique index (a replay that committed between the read and the write):
      // under the lock, the key is then seen as used.
      if (!isUniqueViolation(error)) throw error;
    }
    contended.mark(input.subjectId);
  }
  // The head moved between the read and the write (now or lately): decide with the chain locked.
  return inTransaction(undefined, (tx) => appendUnderLock(input, tx), { retryOnUniqueViolation: true });
}

/**
 * Subjects whose optimistic write lost to another append in the last few seconds (ADR 050). Their
 * appends take the lock at once: on a hot subject nearly every optimistic write would lose, and
 * cost a wasted read and write before its locked append. Per process, bounded, forgotten in time.
 */
const contended = (() => {
  const FOR_MS = 5_000;
  const MAX_SUBJECTS = 1_000;
  const until = new Map<string, number>();
  return {
    has(subjectId: string) {
      const expires = until.get(subjectId);
      if (expires === undefined) return false;
      if (expires > Date.now()) return true;
      until.delete(subjectId);
      return false;
    },
    mark(subjectId: string) {
      until.delete(subjectId);
      // Oldest first (insertion order): the one marked longest ago goes.
      if (until.size >= MAX_SUBJECTS) until.delete(until.keys().next().value!);
      until.set(subjectId, Date.now() + FOR_MS);
    },
  };
})();

/** The append in the caller's transaction, with the subject's chain locked from read to write. */
async function appendUnderLock(input: AppendConsentEventsInput, tx: Tx) {
  const outcome = await decideAppend(input, await lockForAppend(tx, input.subjectId, input.idempotencyKey), tx);
  // Under the lock the head cannot have moved: a write that does not apply is a bug, not a race.
  if (outcome.write && !(await writeAppend(tx, outcome.write))) {
    throw new Error("The subject's head moved while its chain was locked.");
  }
  return outcome.result;
}

type ReadForAppend = Awaited<ReturnType<typeof lockForAppend>>;

/**
 * From what was read: the replay of a known key, nothing to write, or the events to write with
 * the head they follow (`write`) and the result to answer once written.
 */
async function decideAppend(
  input: AppendConsentEventsInput,
  { subject, earlier, state, endpoints }: ReadForAppend,
  tx: Tx,
): Promise<{ result: AppendConsentEventsResult; write?: AppendWrite }> {
  if (earlier > 0) {
    const events = await tx.consentEvent.findMany({
      where: { subjectId: subject.id, idempotencyKey: input.idempotencyKey },
      orderBy: { seq: "asc" },
    });
    if (events.some((event) => event.requestFingerprint !== input.requestFingerprint)) {
      throw new AppError("idempotency_conflict", "This idempotency key was already used for a different request.", {
        field: "idempotencyKey",
      });
    }
    return { result: { events, replayed: true, subject } };
  }
  if (subject.erasedAt) throw new AppError("subject_erased", "This person's data was erased.");

  const drafts = await input.decide({ subject, state }, tx);
  if (drafts.length === 0) return { result: { events: [], replayed: false, subject } };

  // One decision, one moment: every event of the request shares the server time.
  const serverTime = new Date();
  let seq = subject.lastSeq;
  let prevHash = subject.lastHash ?? GENESIS_HASH;
  const events: ConsentEvent[] = drafts.map((draft) => {
    seq += 1;
    const columns = {
      ...draft,
      id: randomUUID(),
      subjectId: subject.id,
      seq,
      hashVersion: CURRENT_HASH_FORMAT,
      serverTime,
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: input.requestFingerprint,
      prevHash,
    };
    const event = { ...columns, hash: computeEventHash(columns) };
    prevHash = event.hash;
    return event;
  });
  // The webhook outbox commits with the events: a receiver hears of exactly what was recorded.
  const deliveries = await consentEventWebhookRows(tx, endpoints, events);
  return {
    result: { events, replayed: false, subject: { ...subject, lastSeq: seq, lastHash: prevHash } },
    write: {
      subject,
      events,
      leaves: events.map((event) => consentEventLeaf(event)),
      deliveries,
      projection: projectionRows(state, events),
      outboxKind: subject.auth0UserId ? (input.outbox?.() ?? null) : null,
    },
  };
}

/** The subject's row and state as `lock_subject_for_append` returns them (JSON: times as text). */
interface LockedForAppend {
  subject: Omit<LockedSubject, "erasedAt" | "emailVerifiedAt"> & {
    erasedAt: string | null;
    emailVerifiedAt: string | null;
  };
  earlier: number;
  state: Array<Omit<ConsentState, "updatedAt"> & { updatedAt: string }>;
  endpoints: SubscribedEndpoint[];
}

/**
 * Locks the subject's row, then reads what the append needs to know under that lock: whether the
 * key was used before, the subject's consent state, and the webhook endpoints that may want to
 * hear. One round trip: `lock_subject_for_append` (a migration, ADR 049) runs the reads as
 * statements of their own after the lock, so under READ COMMITTED they see a concurrent replay
 * that committed while we waited (a subquery of the locking SELECT would not: it keeps the
 * snapshot from before the wait). NO KEY UPDATE (not UPDATE) because we never change the key:
 * rows that merely reference the subject (access log, outbox) can still be inserted meanwhile.
 */
async function lockForAppend(tx: Tx, subjectId: string, idempotencyKey: string) {
  const [row] = await tx.$queryRaw<Array<{ read: LockedForAppend | null }>>`
    SELECT "lock_subject_for_append"(${subjectId}::uuid, ${idempotencyKey}, ${CONSENT_EVENT_TYPES}::text[]) AS read`;
  return parseRead(row?.read);
}

/** The same as `lockForAppend` without the lock, in one snapshot (`read_subject_for_append`, ADR 050). */
async function readForAppend(client: Tx, subjectId: string, idempotencyKey: string) {
  const [row] = await client.$queryRaw<Array<{ read: LockedForAppend | null }>>`
    SELECT "read_subject_for_append"(${subjectId}::uuid, ${idempotencyKey}, ${CONSENT_EVENT_TYPES}::text[]) AS read`;
  return parseRead(row?.read);
}

function parseRead(read: LockedForAppend | null | undefined) {
  if (!read) throw new AppError("not_found", "No such subject.", { field: "subjectId" });
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    subject: {
      ...read.subject,
      erasedAt: date(read.subject.erasedAt),
      emailVerifiedAt: date(read.subject.emailVerifiedAt),
    },
    earlier: read.earlier,
    state: read.state.map((state): ConsentState => ({ ...state, updatedAt: new Date(state.updatedAt) })),
    endpoints: read.endpoints,
  };
}

/** The ConsentState rows the events change, after them. */
function projectionRows(before: ConsentState[], events: ConsentEvent[]): ConsentState[] {
  const state = new Map(before.map((row) => [row.purposeId, row]));
  const changed = new Set<string>();
  for (const event of events) {
    for (const purposeId of projectEvent(state, event)) changed.add(purposeId);
  }
  return [...changed].map((purposeId) => state.get(purposeId)!);
}

/** What an append writes, and the subject as read before deciding it. */
interface AppendWrite {
  subject: LockedSubject;
  events: ConsentEvent[];
  leaves: Leaf[];
  deliveries: WebhookDeliveryRow[];
  projection: ConsentState[];
  outboxKind: OutboxKind | null;
}

/**
 * Every write of an append in one statement (one round trip): the events, their log leaves, the
 * webhook deliveries, the subject's new head and the projection. First it locks the subject's row,
 * if the head and what the decision read of the subject are unchanged (`guard`); every write joins
 * that row, so a moved head writes nothing and answers false (ADR 050). Under READ COMMITTED a row
 * updated while the lock was awaited is rechecked in its new version. Data-modifying CTEs all run,
 * and the foreign keys are checked at the statement's end, when the events exist. Rows are
 * inserted in the events' order (WITH ORDINALITY), so queue ids and delivery seqs follow the chain.
 */
async function writeAppend(tx: Tx, append: AppendWrite): Promise<boolean> {
  const { subject, events, leaves, deliveries, projection, outboxKind } = append;
  const subjectId = subject.id;
  const auth0UserId = subject.auth0UserId;
  const last = events.at(-1)!;
  const column = <K extends keyof ConsentEvent>(key: K) => events.map((event) => event[key]);
  const [row] = await tx.$queryRaw<Array<{ applied: boolean }>>`
    WITH guard AS MATERIALIZED (
      SELECT id FROM "Subject"
      WHERE id = ${subjectId}::uuid AND last_seq = ${subject.lastSeq} AND erased_at IS NULL
        AND auth0_user_id IS NOT DISTINCT FROM ${auth0UserId}::text
        AND (email_verified_at IS NULL) = ${subject.emailVerifiedAt === null}
      FOR NO KEY UPDATE
    ), appended AS (
      INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
        purpose_text_sha256, policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason,
        client_time, server_time, ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
      SELECT e.id, ${subjectId}::uuid, e.seq, e.hash_version, e.action::"ConsentAction", e.purpose_id, e.purpose_version_id,
        e.purpose_text_sha256, e.policy_version_id, e.policy_text_sha256, e.method::"CollectionMethod",
        e.actor_type::"ActorType", e.actor_id, e.actor_reason, e.client_time, e.server_time, e.ip_truncated,
        e.user_agent_hash, e.idempotency_key, e.request_fingerprint, e.prev_hash, e.hash
      FROM unnest(
        ${column("id")}::uuid[], ${column("seq")}::int[], ${column("hashVersion")}::int[], ${column("action")}::text[],
        ${column("purposeId")}::uuid[], ${column("purposeVersionId")}::uuid[], ${column("purposeTextSha256")}::text[],
        ${column("policyVersionId")}::uuid[], ${column("policyTextSha256")}::text[], ${column("method")}::text[],
        ${column("actorType")}::text[], ${column("actorId")}::text[], ${column("actorReason")}::text[],
        ${column("clientTime")}::timestamptz[], ${column("serverTime")}::timestamptz[], ${column("ipTruncated")}::text[],
        ${column("userAgentHash")}::text[], ${column("idempotencyKey")}::text[], ${column("requestFingerprint")}::text[],
        ${column("prevHash")}::text[], ${column("hash")}::text[]
      ) WITH ORDINALITY AS e(id, seq, hash_version, action, purpose_id, purpose_version_id, purpose_text_sha256,
        policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason, client_time, server_time,
        ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash, ord), guard
      ORDER BY e.ord
    ), queued AS (
      INSERT INTO "LogQueue" (kind, row_id, data)
      SELECT l.kind::"LogLeafKind", l.row_id, l.data
      FROM unnest(${leaves.map((leaf) => leaf.kind)}::text[], ${leaves.map((leaf) => leaf.rowId)}::uuid[],
        ${leaves.map((leaf) => leaf.data)}::text[]) WITH ORDINALITY AS l(kind, row_id, data, ord), guard
      ORDER BY l.ord
    ), announced AS (
      INSERT INTO "WebhookDelivery" (endpoint_id, message_id, event_type, ordering_key, payload)
      SELECT d.endpoint_id, d.message_id, d.event_type, d.ordering_key, d.payload::jsonb
      FROM unnest(${deliveries.map((row) => row.endpointId)}::uuid[], ${deliveries.map((row) => row.messageId)}::text[],
        ${deliveries.map((row) => row.eventType)}::text[], ${deliveries.map((row) => row.orderingKey)}::text[],
        ${deliveries.map((row) => JSON.stringify(row.payload))}::text[])
        WITH ORDINALITY AS d(endpoint_id, message_id, event_type, ordering_key, payload, ord), guard
      ORDER BY d.ord
    ), head AS (
      UPDATE "Subject" SET last_seq = ${last.seq}, last_hash = ${last.hash} WHERE id = (SELECT id FROM guard)
    ), synced AS (
      INSERT INTO "OutboxMessage" (subject_id, seq, kind, auth0_user_id)
      SELECT ${subjectId}::uuid, ${last.seq}, ${outboxKind}::text::"OutboxKind", ${auth0UserId}
      WHERE ${outboxKind}::text IS NOT NULL AND EXISTS (SELECT 1 FROM guard)
    ), projected AS (
    INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    SELECT ${subjectId}::uuid, r.purpose_id, r.status::"ConsentStatus", r.policy_version_id, r.purpose_version_id,
      r.event_id, r.seq, r.updated_at
    FROM unnest(
      ${projection.map((row) => row.purposeId)}::uuid[], ${projection.map((row) => row.status)}::text[],
      ${projection.map((row) => row.policyVersionId)}::uuid[], ${projection.map((row) => row.purposeVersionId)}::uuid[],
      ${projection.map((row) => row.eventId)}::uuid[], ${projection.map((row) => row.seq)}::int[],
      ${projection.map((row) => row.updatedAt)}::timestamptz[]
    ) AS r(purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at), guard
    ON CONFLICT (subject_id, purpose_id) DO UPDATE SET
      status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
      purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at
    )
    SELECT EXISTS (SELECT 1 FROM guard) AS applied`;
  return row?.applied === true;
}
