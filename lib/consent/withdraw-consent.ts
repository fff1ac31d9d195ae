import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { OutboxKind } from "@/lib/generated/prisma/client";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";
import { readCurrentVersionHashes } from "@/lib/policies/read-policy-versions";
import { currentPurposeVersions, listPurposeVersions, wordingOf } from "@/lib/policies/read-purpose-versions";
import { readWithdrawalCatalog, type WithdrawalCatalog } from "@/lib/policies/read-decision-catalog";
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
      let outboxKind: OutboxKind = "sync_consent";
      const result = await appendConsentEvents(
        {
          subjectId: request.subjectId,
          idempotencyKey,
          requestFingerprint,
          decide: async ({ state }, tx) => {
            // One statement for what a withdrawal names (the state's versions and wordings).
            const catalog = await readWithdrawalCatalog(state, tx);
            const allPurposes = catalog.purposes;
            const purposes = allPurposes.filter((purpose) => purposeKeys.includes(purpose.key));
            const unknown = purposeKeys.filter((key) => !purposes.some((purpose) => purpose.key === key));
            if (unknown.length) {
              throw new AppError("validation_failed", `Unknown purpose: ${unknown.join(", ")}.`, { field: "purposes" });
            }
            const versions = catalog.policyVersions;
            // A withdrawal names the wording the consent was given under, like its policy version.
            const wordingOfState = (row: (typeof state)[number] | undefined) =>
              row ? wordingOf(row, catalog.wordings) : null;
            const columns = actorAndContextColumns(recorded, request.context);
            const drafts: ConsentEventDraft[] = [];
            const withdraw = (purpose: (typeof allPurposes)[number], actorReason: string | null) => {
              const existing = state.find((row) => row.purposeId === purpose.id);
              if (!withdrawable(existing?.status)) return;
              const wording = wordingOfState(existing);
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
              const policy = await readWithdrawalPolicy(tx);
              outboxKind = policy.onRequiredWithdrawal === "delete" ? "delete_user" : "flag_deleted";
            }
            return drafts;
          },
          // Written by the append's own statement (one round trip fewer).
          outbox: () => outboxKind,
        },
        tx,
      );
      // The account is closed: every session of it ends now, not when Auth0 hears of it.
      if (withdrewRequired && !result.replayed && result.events.length > 0 && result.subject.auth0UserId) {
        await endUserSessions(result.subject.auth0UserId, "account closed", tx);
      }
      return { events: result.events, replayed: result.replayed };
    },
    { retryOnUniqueViolation: true },
  );
}

/** A required purpose never agreed to, refused under the wording and policy version shown now. */
async function refusalDraft(
  purpose: WithdrawalCatalog["purposes"][number],
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
