import "server-only";
import { randomUUID } from "node:crypto";
import type { Actor } from "@/lib/auth/actor";
import { actorAndContextColumns, fingerprintActor, recordedActor } from "@/lib/consent/actor-columns";
import { eraseSubjectSchema, type EraseSubjectInput } from "@/lib/consent/schemas";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { forgetStaffMember } from "@/lib/auth/staff-directory";
import { parseInput } from "@/lib/errors";
import type { ConsentEvent } from "@/lib/generated/prisma/client";
import { appendConsentEvents } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";

export interface ErasureResult {
  event: ConsentEvent;
  replayed: boolean;
}

/**
 * Erases a subject (GDPR Art. 17) by crypto-shredding: appends an `erased` event, then destroys
 * the subject's wrapped data key, encrypted profile, email blind index and Auth0 mapping, in one
 * transaction. The ledger keeps only the pseudonymous id, so every chain still verifies; the
 * person can no longer be found or decrypted. The Auth0 user is always deleted through the outbox,
 * whatever the withdrawal policy (ADR 036): a flagged user would keep the email in Auth0, in
 * searches and exports, and block the address from signing up again. Its id is kept on that one
 * message until delivery, then cleared.
 */
export async function eraseSubject(input: EraseSubjectInput, actor: Actor, tx?: Tx): Promise<ErasureResult> {
  const request = parseInput(eraseSubjectSchema, input);
  const recorded = recordedActor(actor, request.reason, "erase");
  const idempotencyKey = request.idempotencyKey ?? randomUUID();
  const requestFingerprint = fingerprintRequest({
    operation: "erase",
    subjectId: request.subjectId,
    actor: fingerprintActor(recorded),
  });

  return inTransaction(
    tx,
    async (tx) => {
      const result = await appendConsentEvents(
        {
          subjectId: request.subjectId,
          idempotencyKey,
          requestFingerprint,
          decide: () =>
            Promise.resolve([
              {
                action: "erased",
                purposeId: null,
                purposeVersionId: null,
                purposeTextSha256: null,
                policyVersionId: null,
                policyTextSha256: null,
                method: recorded.type === "staff" ? "staff" : recorded.type === "self" ? "portal" : "api",
                ...actorAndContextColumns(recorded, request.context),
              },
            ]),
        },
        tx,
      );
      const event = result.events[0]!;
      if (result.replayed) return { event, replayed: true };

      // Pending syncs for this person are moot now, and must not keep their Auth0 id around.
      await tx.outboxMessage.updateMany({
        where: { subjectId: result.subject.id, status: "pending" },
        data: { status: "skipped", auth0UserId: null, lastError: "subject erased", lockedUntil: null },
      });
      // Erased people are signed out everywhere at once.
      if (result.subject.auth0UserId) {
        await endUserSessions(result.subject.auth0UserId, "subject erased", tx);
        // A staff member's name goes with them; the evidence keeps only their pseudonymous id (ADR 041).
        await forgetStaffMember(result.subject.auth0UserId, tx);
      }
      await enqueueOutboxMessage(
        {
          subjectId: result.subject.id,
          seq: event.seq,
          kind: "delete_user",
          auth0UserId: result.subject.auth0UserId,
        },
        tx,
      );
      await tx.subject.update({
        where: { id: result.subject.id },
        data: {
          wrappedKey: null,
          profileCiphertext: null,
          emailBlindIndex: null,
          auth0UserId: null,
          erasedAt: event.serverTime,
        },
      });
      // API clients' own ids for the person identify them as much as the Auth0 id does (ADR 033).
      await tx.apiExternalId.deleteMany({ where: { subjectId: result.subject.id } });
      return { event, replayed: false };
    },
    { retryOnUniqueViolation: true },
  );
}
