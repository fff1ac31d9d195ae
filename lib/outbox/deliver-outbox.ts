import "server-only";
import { auth0Status, rateLimitResetAt } from "@/lib/auth0/auth0-error";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { consentMetadataPatch } from "@/lib/consent/auth0-consent-metadata";
import { readClosedAccounts } from "@/lib/consent/read-closed-accounts";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { OutboxKind } from "@/lib/generated/prisma/client";

export interface DeliverOutboxOptions {
  /** Messages claimed per call (at most one per subject). */
  batchSize?: number;
  /** Auth0 gateway; defaults to the portal's. */
  auth0?: Auth0Gateway;
  /** How long a claim lasts (default OUTBOX_LEASE_MS); a crashed worker's messages are picked up again after it. */
  leaseMs?: number;
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  /** Nothing to do any more (Auth0 user gone, subject erased). */
  skipped: number;
  /** Still pending, rescheduled with backoff. */
  failed: number;
}

interface ClaimedMessage {
  id: string;
  subjectId: string;
  seq: number;
  kind: OutboxKind;
  auth0UserId: string | null;
  attempts: number;
}

type Outcome = { status: "delivered"; coveredSeq: number | null } | { status: "skipped"; note: string };

const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * How long a claim lasts. Short, and renewed for the rest of the batch before each message, so
 * the messages a crashed worker held come back within this (issue 17: 120 s per batch left
 * Auth0 two minutes behind after every portal crash), while a live worker keeps what it claimed.
 */
export const OUTBOX_LEASE_MS = 30_000;
/** PATCH attempts per message while the subject's state keeps changing under it. */
const MAX_CONVERGENCE_ROUNDS = 3;

/**
 * Claims due messages with a lease (SKIP LOCKED, so workers never take the same row) — at most
 * one per subject per batch, oldest first.
 */
async function claimDueMessages(batchSize: number, leaseMs: number): Promise<ClaimedMessage[]> {
  return db().$queryRaw<ClaimedMessage[]>`
    WITH candidates AS (
      SELECT id, subject_id, created_at FROM "OutboxMessage"
      WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
      ORDER BY created_at
      LIMIT ${batchSize * 4}
      FOR UPDATE SKIP LOCKED
    ), chosen AS (
      SELECT id FROM (
        SELECT DISTINCT ON (subject_id) id, created_at FROM candidates ORDER BY subject_id, created_at
      ) first_per_subject ORDER BY created_at LIMIT ${batchSize}
    )
    UPDATE "OutboxMessage" m
    SET locked_until = now() + ${leaseMs}::int * interval '1 millisecond', attempts = m.attempts + 1
    FROM chosen WHERE m.id = chosen.id
    RETURNING m.id, m.subject_id AS "subjectId", m.seq, m.kind::text AS kind, m.auth0_user_id AS "auth0UserId", m.attempts`;
}

/** Messages that also write `app_metadata.deleted`, from the ledger's state at delivery. */
const ACCOUNT_STATE_KINDS: OutboxKind[] = ["flag_deleted", "reactivate_user"];

/**
 * Whether the ledger says the account is closed: a required consent withdrawn (or refused), or
 * the subject erased. Flags and reactivations both write this, so whichever is delivered last
 * leaves Auth0 as the ledger is, whatever order they were queued and claimed in.
 */
async function accountClosed(subjectId: string, erased: boolean): Promise<boolean> {
  if (erased) return true;
  return (await readClosedAccounts([subjectId])).has(subjectId);
}

/**
 * PATCHes `user_metadata.consent` (whole, as nested objects are replaced; the flat keys sign-up
 * wrote are deleted in the same PATCH, ADR 041) and, for a flag or a
 * reactivation, `app_metadata.deleted` (null removes it, as in Auth0). The state is read *after*
 * the subject's chain head; if the head moved while we wrote, the write may be stale and is
 * repeated, so the last write always reflects the ledger even when deliveries for one subject
 * overlap.
 */
async function patchConsent(auth0: Auth0Gateway, message: ClaimedMessage, auth0UserId: string): Promise<Outcome> {
  for (let round = 0; round < MAX_CONVERGENCE_ROUNDS; round += 1) {
    const head = await db().subject.findUniqueOrThrow({
      where: { id: message.subjectId },
      select: { lastSeq: true, erasedAt: true },
    });
    // An erased subject needs no sync (its deletion is queued, ADR 036); a flag in flight still lands.
    if (head.erasedAt && message.kind !== "flag_deleted") return { status: "skipped", note: "subject erased" };
    const consent = await readConsentMetadata(message.subjectId);
    const deleted = ACCOUNT_STATE_KINDS.includes(message.kind)
      ? (await accountClosed(message.subjectId, head.erasedAt !== null)) || null
      : undefined;
    try {
      await auth0.updateUser(auth0UserId, {
        user_metadata: consentMetadataPatch(consent),
        ...(deleted !== undefined ? { app_metadata: { deleted } } : {}),
      });
    } catch (error) {
      if (isAppError(error, "not_found")) return { status: "skipped", note: "Auth0 user not found" };
      throw error;
    }
    const after = await db().subject.findUniqueOrThrow({ where: { id: message.subjectId }, select: { lastSeq: true } });
    if (after.lastSeq === head.lastSeq) return { status: "delivered", coveredSeq: head.lastSeq };
  }
  throw new Error("consent kept changing during delivery; will retry");
}

async function deliverOne(auth0: Auth0Gateway, message: ClaimedMessage): Promise<Outcome> {
  if (!message.auth0UserId) return { status: "skipped", note: "no Auth0 user" };
  if (message.kind === "delete_user") {
    // A user already gone counts as deleted.
    await auth0.deleteUser(message.auth0UserId);
    return { status: "delivered", coveredSeq: null };
  }
  return patchConsent(auth0, message, message.auth0UserId);
}

async function finish(message: ClaimedMessage, outcome: Outcome): Promise<void> {
  const note = outcome.status === "skipped" ? outcome.note : null;
  // The Auth0 id is personal data: drop it from finished deletions and from erased subjects' rows.
  const subject = await db().subject.findUnique({ where: { id: message.subjectId }, select: { erasedAt: true } });
  const clearTarget = message.kind === "delete_user" || subject?.erasedAt != null;
  await db().outboxMessage.updateMany({
    where: { id: message.id, status: "pending" },
    data: {
      status: outcome.status,
      deliveredAt: new Date(),
      lockedUntil: null,
      lastError: note,
      ...(clearTarget ? { auth0UserId: null } : {}),
    },
  });
  if (outcome.status === "delivered" && outcome.coveredSeq !== null) {
    // Older pending syncs (and, after a flag or a reactivation, older ones of both) are covered by
    // the state just written.
    const kinds: OutboxKind[] = ACCOUNT_STATE_KINDS.includes(message.kind)
      ? ["sync_consent", ...ACCOUNT_STATE_KINDS]
      : ["sync_consent"];
    await db().$executeRaw`
      UPDATE "OutboxMessage" SET status = 'delivered', delivered_at = now(), last_error = NULL
      WHERE subject_id = ${message.subjectId}::uuid AND status = 'pending' AND id <> ${message.id}::uuid
        AND kind::text = ANY(${kinds}) AND seq <= ${outcome.coveredSeq}
        AND (locked_until IS NULL OR locked_until < now())`;
  }
}

/** Extends the claim on the messages this worker has yet to deliver (one statement). */
async function renewLeases(messages: ClaimedMessage[], leaseMs: number): Promise<void> {
  const ids = messages.map((message) => message.id);
  await db().$executeRaw`
    UPDATE "OutboxMessage" SET locked_until = now() + ${leaseMs}::int * interval '1 millisecond'
    WHERE id = ANY(${ids}::uuid[]) AND status = 'pending'`;
}

async function reschedule(message: ClaimedMessage, error: unknown): Promise<void> {
  const status = auth0Status(error);
  const exponential = Math.min(MAX_BACKOFF_MS, 2_000 * 2 ** (message.attempts - 1));
  let delay = exponential / 2 + Math.random() * (exponential / 2);
  const reset = rateLimitResetAt(error);
  if (reset !== null) delay = Math.max(delay, reset - Date.now());
  // A network failure keeps its cause (e.g. ECONNREFUSED) so the status page says what went wrong.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
  const reason = status
    ? `Auth0 answered ${status}`
    : error instanceof Error
      ? `${error.message}${cause}`
      : String(error);
  await db().outboxMessage.updateMany({
    where: { id: message.id, status: "pending" },
    data: { nextAttemptAt: new Date(Date.now() + delay), lockedUntil: null, lastError: reason.slice(0, 500) },
  });
}

/**
 * Delivers due outbox messages to Auth0: consent syncs and flags as one PATCH each, deletions
 * as DELETE. Every delivery is idempotent (whole objects, DELETE of a missing user is fine), so
 * at-least-once is safe. A failure keeps the message pending with `attempts`, `next_attempt_at`
 * and `last_error`: Auth0 being down delays delivery, it never loses a message.
 */
export async function deliverOutbox(options: DeliverOutboxOptions = {}): Promise<DeliveryReport> {
  const auth0 = options.auth0 ?? portalAuth0();
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const messages = await claimDueMessages(options.batchSize ?? 25, leaseMs);
  const report: DeliveryReport = { claimed: messages.length, delivered: 0, skipped: 0, failed: 0 };
  for (const [index, message] of messages.entries()) {
    if (index > 0) await renewLeases(messages.slice(index), leaseMs);
    try {
      const outcome = await deliverOne(auth0, message);
      await finish(message, outcome);
      report[outcome.status] += 1;
    } catch (error) {
      await reschedule(message, error);
      report.failed += 1;
    }
  }
  return report;
}
