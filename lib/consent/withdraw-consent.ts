import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { OutboxKind } from "@/lib/generated/prisma/client";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { readWordings } from "@/lib/policies/read-purpose-versions";
import type { Actor } from "@/lib/auth/actor";
import { actorAndContextColumns, fingerprintActor, recordedActor } from "./actor-columns";
import type { ConsentDecision } from "./grant-consent";
import { withdrawConsentSchema, type WithdrawConsentInput } from "./schemas";
import { readWithdrawalPolicy } from "./withdrawal-policy";

/**
 * Records the withdrawal of consent to purposes — as easy as giving it (GDPR Art. 7(3)). Each
 * event names the policy version and the purpose wording the withdrawn consent was given under. Purposes not currently
 * granted record nothing. Withdrawing a required purpose flags or deletes the Auth0 user, as
 * the withdrawal policy says.
 */
export async function withdrawConsent(input: WithdrawConsentInput, actor: Actor, tx?: Tx): Promise<ConsentDecision> {
  const request = parseInput(withdrawConsentSchema, input);
  const recorded = recordedActor(actor, request.reason, request.method);
  const purposeKeys = [...new Set(request.purposes)].sort();
  const idempotencyKey = request.idempotencyKey ?? randomUUID();
  const requestFingerprint = fingerprintRequest({
    operation: "withdraw",
    subjectId: request.subjectId,
    purposes: purposeKeys,
    method: request.method,
    actor: fingerprintActor(recorded),
  });

  return inTransaction(
    tx,
    async (tx) => {
      let withdrewRequired = false;
      const result = await appendConsentEvents(
        {
          subjectId: request.subjectId,
          idempotencyKey,
          requestFingerprint,
          decide: async ({ state }, tx) => {
            const purposes = await tx.purpose.findMany({
              where: { key: { in: purposeKeys } },
              orderBy: { key: "asc" },
            });
            const unknown = purposeKeys.filter((key) => !purposes.some((purpose) => purpose.key === key));
            if (unknown.length) {
              throw new AppError("validation_failed", `Unknown purpose: ${unknown.join(", ")}.`, { field: "purposes" });
            }
            const versionIds = state.flatMap((row) => (row.policyVersionId ? [row.policyVersionId] : []));
            const versions = await tx.policyVersion.findMany({
              where: { id: { in: versionIds } },
              select: { id: true, textSha256: true },
            });
            // A withdrawal names the wording the consent was given under, like its policy version.
            const wordingOf = await readWordings(state, tx);
            const columns = actorAndContextColumns(recorded, request.context);
            const drafts: ConsentEventDraft[] = [];
            for (const purpose of purposes) {
              const existing = state.find((row) => row.purposeId === purpose.id);
              if (existing?.status !== "granted") continue;
              if (purpose.required) withdrewRequired = true;
              const wording = wordingOf(existing);
              if (!wording) throw new Error(`Purpose ${purpose.key} has no version`);
              drafts.push({
                action: "withdrawn",
                purposeId: purpose.id,
                purposeVersionId: wording.id,
                purposeTextSha256: wording.textSha256,
                policyVersionId: existing.policyVersionId,
                policyTextSha256:
                  versions.find((version) => version.id === existing.policyVersionId)?.textSha256 ?? null,
                method: request.method,
                ...columns,
              });
            }
            return drafts;
          },
        },
        tx,
      );
      if (!result.replayed && result.events.length > 0) {
        let kind: OutboxKind = "sync_consent";
        if (withdrewRequired) {
          const policy = await readWithdrawalPolicy(tx);
          kind = policy.onRequiredWithdrawal === "delete" ? "delete_user" : "flag_deleted";
        }
        await enqueueOutboxMessage(
          { subjectId: result.subject.id, seq: result.subject.lastSeq, kind, auth0UserId: result.subject.auth0UserId },
          tx,
        );
      }
      return { events: result.events, replayed: result.replayed };
    },
    { retryOnUniqueViolation: true },
  );
}
