import "server-only";
import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { actorAndContextColumns, fingerprintActor, recordedActor } from "./actor-columns";
import { confirmEmailConsentsSchema, type ConfirmEmailConsentsInput } from "./schemas";

export interface EmailConfirmation {
  /** The purposes whose pending request became consent now (none when nothing was pending). */
  confirmed: Array<{ key: string; title: string; eventId: string }>;
}

/**
 * Records that the person's address is verified (Auth0 said so: the caller re-read the user or
 * holds an ID token that says `email_verified`), and turns every pending request (ADR 040) into
 * consent: one `granted` event per purpose, method `email_confirmation`, under the policy version
 * and wording the person was shown when they asked. Idempotent: a second call finds nothing
 * pending. A request withdrawn before the address was verified stays withdrawn.
 */
export async function confirmEmailConsents(
  input: ConfirmEmailConsentsInput,
  actor: Actor,
  tx?: Tx,
): Promise<EmailConfirmation> {
  const request = parseInput(confirmEmailConsentsSchema, input);
  const recorded = recordedActor(actor, request.reason, "email_confirmation");
  return inTransaction(tx, async (tx) => {
    // Only a first verification is written: a later one must not move the date.
    await tx.subject.updateMany({
      where: { id: request.subjectId, emailVerifiedAt: null, erasedAt: null },
      data: { emailVerifiedAt: new Date() },
    });
    const pending = await tx.consentState.findMany({
      where: { subjectId: request.subjectId, status: "pending" },
      select: { eventId: true },
    });
    if (pending.length === 0) return { confirmed: [] };
    const result = await appendConsentEvents(
      {
        subjectId: request.subjectId,
        // Idempotent by state, under the subject's lock: a second call finds nothing pending.
        idempotencyKey: `email-confirmation:${randomUUID()}`,
        requestFingerprint: fingerprintRequest({
          operation: "confirm_email",
          subjectId: request.subjectId,
          actor: fingerprintActor(recorded),
        }),
        decide: async ({ state }, tx) => {
          // Read under the subject's lock: what is pending now, not what was before it.
          const requests = await tx.consentEvent.findMany({
            where: { id: { in: state.filter((row) => row.status === "pending").map((row) => row.eventId) } },
            orderBy: { seq: "asc" },
          });
          const columns = actorAndContextColumns(recorded, request.context);
          return requests.map((event): ConsentEventDraft => ({
            action: "granted",
            purposeId: event.purposeId,
            purposeVersionId: event.purposeVersionId,
            purposeTextSha256: event.purposeTextSha256,
            policyVersionId: event.policyVersionId,
            policyTextSha256: event.policyTextSha256,
            method: "email_confirmation",
            ...columns,
          }));
        },
      },
      tx,
    );
    if (result.events.length > 0 && !result.replayed) {
      await enqueueOutboxMessage(
        {
          subjectId: result.subject.id,
          seq: result.subject.lastSeq,
          kind: "sync_consent",
          auth0UserId: result.subject.auth0UserId,
        },
        tx,
      );
    }
    const purposes = await tx.purpose.findMany({
      where: { id: { in: result.events.flatMap((event) => (event.purposeId ? [event.purposeId] : [])) } },
      select: { id: true, key: true, title: true },
    });
    return {
      confirmed: result.events.flatMap((event) => {
        const purpose = purposes.find((candidate) => candidate.id === event.purposeId);
        return purpose ? [{ key: purpose.key, title: purpose.title, eventId: event.id }] : [];
      }),
    };
  });
}
