import "server-only";
import { createHash } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { grantConsent } from "@/lib/consent/grant-consent";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { toApiEvent } from "./api-event";
import { ensurePersonForWrite, findPerson, linkExternalId } from "./resolve-person";
import { claimIdempotencyKey, parseIdempotencyKey, storeIdempotentAnswer, type StoredAnswer } from "./api-idempotency";
import { recordDecisionsSchema, type DecisionResult, type RecordDecisionsInput } from "./schemas";

export interface RecordDecisionsRequest {
  body: RecordDecisionsInput;
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey?: string;
  /** What the key is bound to: the request's method, path and body (`defineApiRoute` computes it). */
  requestSha256: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  /** True when this is the stored first answer to the same idempotency key. */
  replayed: boolean;
}

/**
 * Records an API client's decisions for one person (ADR 033): grants under the policy versions
 * the client says it showed (each with the SHA-256 of the text shown, which must be the
 * version's), withdrawals of what was granted, in one transaction with method `api` (or the one
 * given) and the client as the actor; answers the events with their signed receipts.
 *
 * Idempotency: the key is claimed first, by inserting its row in this same transaction. A
 * concurrent retry's insert waits on that row; once the first commits, the retry finds the row
 * and answers the stored answer (or 409 for another body). If the first fails, its row goes with
 * it and the retry runs afresh. Withdrawing a required purpose (which closes the person's
 * account) is refused here: that is the person's own act, in the portal.
 */
export async function recordConsentDecisions(
  request: RecordDecisionsRequest,
  actor: Actor,
  tx?: Tx,
): Promise<ApiAnswer<DecisionResult>> {
  if (actor.kind !== "api_client") throw new AppError("forbidden", "Only API clients record decisions here.");
  const input = parseInput(recordDecisionsSchema, request.body);
  const key = parseIdempotencyKey(request.idempotencyKey);
  await ensurePersonForWrite(input.person);

  return inTransaction(tx, async (tx) => {
    if (key !== undefined) {
      const stored = await claimIdempotencyKey(actor, key, request.requestSha256, tx);
      if (stored) return replay(actor, key, stored, tx);
    }
    const subject = await findPerson(input.person, actor, tx);
    if (subject.erasedAt)
      throw new AppError("subject_erased", "This person's data was erased: nothing can be recorded.");
    if (input.person.externalId && (input.person.subjectId || input.person.auth0UserId)) {
      await linkExternalId(subject.id, input.person.externalId, actor, tx);
    }

    const grants = input.decisions.filter((item) => item.decision === "granted").map((item) => item.purpose);
    const withdrawals = input.decisions.filter((item) => item.decision === "withdrawn").map((item) => item.purpose);
    await checkShownPolicies(input.shownPolicies, tx);
    await refuseRequiredWithdrawals(withdrawals, input.decisions, tx);
    if (grants.length > 0 && input.shownPolicies.length === 0) {
      throw new AppError("validation_failed", "Name the policy versions the person was shown.", {
        field: "shownPolicies",
      });
    }

    // The ledger's own idempotency keys, derived from the client's, so a replay never double-records.
    const ledgerKey =
      key === undefined
        ? undefined
        : `api.${createHash("sha256").update(`${actor.id}\n${key}`).digest("hex").slice(0, 40)}`;
    const context = { clientTime: input.clientTime ?? null };
    // The API states what a person decided: "withdrawn" for a purpose not given is already true,
    // so it is reported as unchanged (the portal's own forms refuse it instead, ADR 035).
    const grantedNow = await tx.consentState.findMany({
      where: { subjectId: subject.id, status: "granted", purpose: { key: { in: withdrawals } } },
      select: { purpose: { select: { key: true } } },
    });
    const toWithdraw = withdrawals.filter((purpose) => grantedNow.some((row) => row.purpose.key === purpose));
    const events = [
      ...(grants.length
        ? (
            await grantConsent(
              {
                subjectId: subject.id,
                purposes: grants,
                policyVersionIds: input.shownPolicies.map((policy) => policy.id),
                method: input.method,
                reason: input.reason,
                context,
                ...(ledgerKey ? { idempotencyKey: `${ledgerKey}.grant` } : {}),
              },
              actor,
              tx,
            )
          ).events
        : []),
      ...(toWithdraw.length
        ? (
            await withdrawConsent(
              {
                subjectId: subject.id,
                purposes: toWithdraw,
                method: input.method,
                reason: input.reason,
                context,
                ...(ledgerKey ? { idempotencyKey: `${ledgerKey}.withdraw` } : {}),
              },
              actor,
              tx,
            )
          ).events
        : []),
    ];

    const purposes = await tx.purpose.findMany({
      where: { id: { in: events.flatMap((event) => (event.purposeId ? [event.purposeId] : [])) } },
      select: { id: true, key: true },
    });
    const keyOf = (purposeId: string | null) => purposes.find((purpose) => purpose.id === purposeId)?.key ?? null;
    const recorded: DecisionResult["events"] = [];
    for (const event of events) {
      const receipt = await issueConsentReceipt(event.id, tx);
      recorded.push({
        ...toApiEvent(event, keyOf(event.purposeId)),
        receipt: { jws: receipt.jws, proof: receipt.proof },
      });
    }
    const changed = new Set(recorded.map((event) => event.purpose));
    const body: DecisionResult = {
      subjectId: subject.id,
      events: recorded,
      unchanged: input.decisions.map((item) => item.purpose).filter((purpose) => !changed.has(purpose)),
    };
    const status = recorded.length > 0 ? 201 : 200;
    await appendAccessLog(
      {
        action: "api.consent.write",
        subjectId: subject.id,
        detail: { events: recorded.length, ...(key === undefined ? {} : { idempotencyKey: key }) },
      },
      actor,
      tx,
    );
    if (key !== undefined) await storeIdempotentAnswer(actor, key, { status, body }, tx);
    return { status, body, replayed: false };
  });
}

/** The first answer to this key; logged like every call. */
async function replay(actor: Actor, key: string, stored: StoredAnswer, tx: Tx): Promise<ApiAnswer<DecisionResult>> {
  const body = stored.body as DecisionResult;
  await appendAccessLog(
    { action: "api.consent.write", subjectId: body.subjectId, detail: { idempotencyKey: key, replayed: true } },
    actor,
    tx,
  );
  return { status: stored.status, body, replayed: true };
}

/** Each policy version shown must exist and its text hash be the one the client showed. */
async function checkShownPolicies(shown: Array<{ id: string; textSha256: string }>, tx: Tx): Promise<void> {
  if (shown.length === 0) return;
  const versions = await tx.policyVersion.findMany({
    where: { id: { in: shown.map((policy) => policy.id) } },
    select: { id: true, textSha256: true },
  });
  shown.forEach((policy, index) => {
    const version = versions.find((candidate) => candidate.id === policy.id);
    if (!version) {
      throw new AppError("validation_failed", "No policy version with this id.", {
        field: `shownPolicies.${index}.id`,
      });
    }
    if (version.textSha256 !== policy.textSha256) {
      throw new AppError(
        "validation_failed",
        "This is not the SHA-256 of the version's text: the text shown was not the published one.",
        {
          field: `shownPolicies.${index}.textSha256`,
        },
      );
    }
  });
}

async function refuseRequiredWithdrawals(
  withdrawals: string[],
  decisions: Array<{ purpose: string }>,
  tx: Tx,
): Promise<void> {
  if (withdrawals.length === 0) return;
  const required = await tx.purpose.findMany({
    where: { key: { in: withdrawals }, required: true },
    select: { key: true },
  });
  if (required.length === 0) return;
  const index = decisions.findIndex((item) => item.purpose === required[0]!.key);
  throw new AppError(
    "validation_failed",
    `“${required[0]!.key}” is required: withdrawing it closes the person's account, which they do themselves in the portal.`,
    { field: `decisions.${index}.purpose` },
  );
}
