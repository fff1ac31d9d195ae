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
} from "@/lib/generated/prisma/client";
import { computeEventHash, CURRENT_HASH_FORMAT, GENESIS_HASH } from "./event-hash";
import { projectEvent } from "./project-consent-state";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import { enqueueLeaves } from "@/lib/transparency/enqueue-leaves";
import { enqueueConsentEventWebhooks } from "@/lib/webhooks/enqueue-webhook-deliveries";

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
}

export interface AppendConsentEventsResult {
  events: ConsentEvent[];
  /** True when the idempotency key was seen before: `events` are the first request's. */
  replayed: boolean;
  subject: LockedSubject;
}

/**
 * Locks the subject's row: appends to one chain queue here, other subjects are unaffected.
 * NO KEY UPDATE (not UPDATE) because we never change the key: rows that merely reference the
 * subject (access log, outbox) can still be inserted meanwhile.
 */
async function lockSubject(tx: Tx, subjectId: string): Promise<LockedSubject> {
  const rows = await tx.$queryRaw<LockedSubject[]>`
    SELECT id, auth0_user_id AS "auth0UserId", last_seq AS "lastSeq", last_hash AS "lastHash", erased_at AS "erasedAt"
    FROM "Subject" WHERE id = ${subjectId}::uuid FOR NO KEY UPDATE`;
  const subject = rows[0];
  if (!subject) throw new AppError("not_found", "No such subject.", { field: "subjectId" });
  return subject;
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
      const subject = await lockSubject(tx, input.subjectId);
      // A separate statement on purpose: under READ COMMITTED it takes a fresh snapshot, after
      // the lock, so it sees a concurrent replay that committed while we waited. (A subquery in
      // the locking SELECT would use the snapshot from before the wait.)
      const earlier = await tx.consentEvent.findMany({
        where: { subjectId: subject.id, idempotencyKey: input.idempotencyKey },
        orderBy: { seq: "asc" },
      });
      if (earlier.length > 0) {
        if (earlier.some((event) => event.requestFingerprint !== input.requestFingerprint)) {
          throw new AppError("idempotency_conflict", "This idempotency key was already used for a different request.", {
            field: "idempotencyKey",
          });
        }
        return { events: earlier, replayed: true, subject };
      }
      if (subject.erasedAt) throw new AppError("subject_erased", "This person's data was erased.");

      const state = await tx.consentState.findMany({ where: { subjectId: subject.id } });
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

      await tx.consentEvent.createMany({ data: events });
      await enqueueLeaves(
        tx,
        events.map((event) => consentEventLeaf(event)),
      );
      // The webhook outbox commits with the events: a receiver hears of exactly what was recorded.
      await enqueueConsentEventWebhooks(tx, events);
      await tx.subject.update({ where: { id: subject.id }, data: { lastSeq: seq, lastHash: prevHash } });
      await writeProjection(tx, subject.id, state, events);
      return { events, replayed: false, subject: { ...subject, lastSeq: seq, lastHash: prevHash } };
    },
    { retryOnUniqueViolation: true },
  );
}

async function writeProjection(tx: Tx, subjectId: string, before: ConsentState[], events: ConsentEvent[]) {
  const state = new Map(before.map((row) => [row.purposeId, row]));
  const changed = new Set<string>();
  for (const event of events) {
    for (const purposeId of projectEvent(state, event)) changed.add(purposeId);
  }
  const rows = [...changed].map((purposeId) => state.get(purposeId)!);
  if (rows.length === 0) return;
  // One upsert for all changed purposes (one round trip, inside the append's transaction).
  await tx.$executeRaw`
    INSERT INTO "ConsentState" (subject_id, purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    SELECT ${subjectId}::uuid, r.purpose_id, r.status::"ConsentStatus", r.policy_version_id, r.purpose_version_id,
      r.event_id, r.seq, r.updated_at
    FROM unnest(
      ${rows.map((row) => row.purposeId)}::uuid[], ${rows.map((row) => row.status)}::text[],
      ${rows.map((row) => row.policyVersionId)}::uuid[], ${rows.map((row) => row.purposeVersionId)}::uuid[],
      ${rows.map((row) => row.eventId)}::uuid[], ${rows.map((row) => row.seq)}::int[],
      ${rows.map((row) => row.updatedAt)}::timestamptz[]
    ) AS r(purpose_id, status, policy_version_id, purpose_version_id, event_id, seq, updated_at)
    ON CONFLICT (subject_id, purpose_id) DO UPDATE SET
      status = EXCLUDED.status, policy_version_id = EXCLUDED.policy_version_id,
      purpose_version_id = EXCLUDED.purpose_version_id, event_id = EXCLUDED.event_id, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at`;
}
