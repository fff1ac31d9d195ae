import "server-only";
import { randomUUID } from "node:crypto";
import { inTransaction } from "@/lib/db/transaction";
import type { Tx } from "@/lib/db/client";
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

/** The subject row as seen under its lock. */
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
   * Called with the subject's chain locked and its current consent state; returns the events
   * to append (possibly none). Runs inside the transaction, so its reads are current.
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
 * Appends consent decisions to a subject's hash chain, and updates the ConsentState projection,
 * in one transaction (the caller's, if given: outbox rows then commit with the events).
 *
 * Idempotency: under the subject lock, a known key returns the first request's events when the
 * fingerprint matches and fails with `idempotency_conflict` otherwise. The unique index
 * (subject_id, idempotency_key, purpose_id) backs this up at the database level.
 */
export function appendConsentEvents(input: AppendConsentEventsInput, tx?: Tx): Promise<AppendConsentEventsResult> {
  return inTransaction(
    tx,
    async (tx) => {
      const { subject, earlier, state, endpoints } = await lockForAppend(tx, input.subjectId, input.idempotencyKey);
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
        return { events, replayed: true, subject };
      }
      if (subject.erasedAt) throw new AppError("subject_erased", "This person's data was erased.");

      const drafts = await input.decide({ subject, state }, tx);
      if (drafts.length === 0) return { events: [], replayed: false, subject };

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
      await writeAppend(tx, {
        subjectId: subject.id,
        events,
        leaves: events.map((event) => consentEventLeaf(event)),
        deliveries,
        projection: projectionRows(state, events),
        outboxKind: subject.auth0UserId ? (input.outbox?.() ?? null) : null,
        auth0UserId: subject.auth0UserId,
      });
      return { events, replayed: false, subject: { ...subject, lastSeq: seq, lastHash: prevHash } };
    },
    { retryOnUniqueViolation: true },
  );
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
  const [row] = await tx.$queryRaw<Array<{ locked: LockedForAppend | null }>>`
    SELECT "lock_subject_for_append"(${subjectId}::uuid, ${idempotencyKey}, ${CONSENT_EVENT_TYPES}::text[]) AS locked`;
  const locked = row?.locked;
  if (!locked) throw new AppError("not_found", "No such subject.", { field: "subjectId" });
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    subject: {
      ...locked.subject,
      erasedAt: date(locked.subject.erasedAt),
      emailVerifiedAt: date(locked.subject.emailVerifiedAt),
    },
    earlier: locked.earlier,
    state: locked.state.map((state): ConsentState => ({ ...state, updatedAt: new Date(state.updatedAt) })),
    endpoints: locked.endpoints,
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

/**
 * Every write of an append in one statement (one round trip): the events, their log leaves, the
 * webhook deliveries, the subject's new head and the projection. Data-modifying CTEs all run, and
 * the foreign keys are checked at the statement's end, when the events exist. Rows are inserted
 * in the events' order (WITH ORDINALITY), so queue ids and delivery seqs follow the chain.
 */
async function writeAppend(
  tx: Tx,
  append: {
    subjectId: string;
    events: ConsentEvent[];
    leaves: Leaf[];
    deliveries: WebhookDeliveryRow[];
    projection: ConsentState[];
    outboxKind: OutboxKind | null;
    auth0UserId: string | null;
  },
) {
  const { subjectId, events, leaves, deliveries, projection, outboxKind, auth0UserId } = append;
  const last = events.at(-1)!;
  const column = <K extends keyof ConsentEvent>(key: K) => events.map((event) => event[key]);
  await tx.$executeRaw`
    WITH appended AS (
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
        ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash, ord)
      ORDER BY e.ord
    ), queued AS (
      INSERT INTO "LogQueue" (kind, row_id, data)
      SELECT l.kind::"LogLeafKind", l.row_id, l.data
      FROM unnest(${leaves.map((leaf) => leaf.kind)}::text[], ${leaves.map((leaf) => leaf.rowId)}::uuid[],
        ${leaves.map((leaf) => leaf.data)}::text[]) WITH ORDINALITY AS l(kind, row_id, data, ord)
      ORDER BY l.ord
    ), announced AS (
      INSERT INTO "WebhookDelivery" (endpoint_id, message_id, event_type, ordering_key, payload)
      SELECT d.endpoint_id, d.message_id, d.event_type, d.ordering_key, d.payload::jsonb
      FROM unnest(${deliveries.map((row) => row.endpointId)}::uuid[], ${deliveries.map((row) => row.messageId)}::text[],
        ${deliveries.map((row) => row.eventType)}::text[], ${deliveries.map((row) => row.orderingKey)}::text[],
        ${deliveries.map((row) => JSON.stringify(row.payload))}::text[])
        WITH ORDINALITY AS d(endpoint_id, message_id, event_type, ordering_key, payload, ord)
      ORDER BY d.ord
    ), head AS (
      UPDATE "Subject" SET last_seq = ${last.seq}, last_hash = ${last.hash} WHERE id = ${subjectId}::uuid
    ), synced AS (
      INSERT INTO "OutboxMessage" (subject_id, seq, kind, auth0_user_id)
      SELECT ${subjectId}::uuid, ${last.seq}, ${outboxKind}::text::"OutboxKind", ${auth0UserId}
      WHERE ${outboxKind}::text IS NOT NULL
    )
    INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    SELECT ${subjectId}::uuid, r.purpose_id, r.status::"ConsentStatus", r.policy_version_id, r.purpose_version_id,
      r.event_id, r.seq, r.updated_at
    FROM unnest(
      ${projection.map((row) => row.purposeId)}::uuid[], ${projection.map((row) => row.status)}::text[],
      ${projection.map((row) => row.policyVersionId)}::uuid[], ${projection.map((row) => row.purposeVersionId)}::uuid[],
      ${projection.map((row) => row.eventId)}::uuid[], ${projection.map((row) => row.seq)}::int[],
      ${projection.map((row) => row.updatedAt)}::timestamptz[]
    ) AS r(purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    ON CONFLICT (subject_id, purpose_id) DO UPDATE SET
      status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
      purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at`;
}
