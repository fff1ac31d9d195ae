import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { OutboxKind, Purpose } from "@/lib/generated/prisma/client";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";
import { readCurrentVersionHashes } from "@/lib/policies/read-policy-versions";
import { currentPurposeVersions, listPurposeVersions, readWordings } from "@/lib/policies/read-purpose-versions";
import type { Actor } from "@/lib/auth/actor";
import { actorAndContextColumns, fingerprintActor, recordedActor } from "./actor-columns";
import type { ConsentDecision } from "./grant-consent";
import { withdrawConsentSchema, type WithdrawConsentInput } from "./schemas";
import { readWithdrawalPolicy } from "./withdrawal-policy";

/** The reason recorded on the events of an account's closing that the person did not name. */
const ACCOUNT_CLOSED_REASON = "account closed";

/** A pending request (ADR 040) is withdrawn like a consent, so verifying later confirms nothing. */
const withdrawable = (status: string | undefined) => status === "granted" || status === "pending";

/**
 * Records the withdrawal of consent to purposes — as easy as giving it (GDPR Art. 7(3)). Each
 * event names the policy version and the purpose wording the withdrawn consent was given under.
 * A purpose that does not exist (422) or is not currently granted (409) is refused and nothing is
 * recorded, except a required purpose when `declineRequired` is set: a person who never agreed
 * and declines at the gate is recorded as refusing the current version, so that no account
 * closes without a ledger event. Withdrawing (or declining) a
 * required purpose closes the account: every other consent still given is withdrawn in the same
 * transaction (reason "account closed"), and the Auth0 user is flagged or deleted, as the
 * withdrawal policy says.
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
    ...(request.declineRequired ? { declineRequired: true } : {}),
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
            const allPurposes = await tx.purpose.findMany({ orderBy: { key: "asc" } });
            const purposes = allPurposes.filter((purpose) => purposeKeys.includes(purpose.key));
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
            const withdraw = (purpose: (typeof allPurposes)[number], actorReason: string | null) => {
              const existing = state.find((row) => row.purposeId === purpose.id);
              if (!withdrawable(existing?.status)) return;
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
                actorReason,
              });
            };
            // Nothing to withdraw is a mistake to report, not a success to show (ADR 035).
            const notGiven = purposes.filter(
              (purpose) =>
                !(purpose.required && request.declineRequired) &&
                !state.some((row) => row.purposeId === purpose.id && withdrawable(row.status)),
            );
            if (notGiven.length) {
              throw new AppError(
                "conflict",
                `Consent to ${notGiven.map((purpose) => `“${purpose.title}”`).join(", ")} is not given: there is nothing to withdraw.`,
                { field: "purposes" },
              );
            }
            for (const purpose of purposes) {
              const granted = state.some((row) => row.purposeId === purpose.id && withdrawable(row.status));
              if (granted) {
                if (purpose.required) withdrewRequired = true;
                withdraw(purpose, columns.actorReason);
              } else if (purpose.required && request.declineRequired) {
                withdrewRequired = true;
                drafts.push(await refusalDraft(purpose, request.method, columns, tx));
              }
            }
            if (withdrewRequired) {
              // Closing the account: nothing may stay "given" for a person who has left.
              for (const purpose of allPurposes) {
                if (!purposeKeys.includes(purpose.key)) withdraw(purpose, ACCOUNT_CLOSED_REASON);
              }
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
          // The account is closed: every session of it ends now, not when Auth0 hears of it.
          if (result.subject.auth0UserId) await endUserSessions(result.subject.auth0UserId, "account closed", tx);
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

/** A required purpose never agreed to, refused under the wording and policy version shown now. */
async function refusalDraft(
  purpose: Purpose,
  method: ConsentEventDraft["method"],
  columns: ReturnType<typeof actorAndContextColumns>,
  tx: Tx,
): Promise<ConsentEventDraft> {
  const [wordings, policies] = await Promise.all([
    listPurposeVersions({ purposeIds: [purpose.id] }, tx),
    readCurrentVersionHashes(tx),
  ]);
  const wording = currentPurposeVersions(wordings).get(purpose.id);
  if (!wording) throw new Error(`Purpose ${purpose.key} has no version`);
  const policy = policies.find((version) => version.kind === purpose.policyKind) ?? null;
  return {
    action: "withdrawn",
    purposeId: purpose.id,
    purposeVersionId: wording.id,
    purposeTextSha256: wording.textSha256,
    policyVersionId: policy?.id ?? null,
    policyTextSha256: policy?.textSha256 ?? null,
    method,
    ...columns,
    actorReason: columns.actorReason ?? ACCOUNT_CLOSED_REASON,
  };
}
