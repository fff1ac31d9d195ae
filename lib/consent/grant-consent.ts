import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import type { ConsentEvent } from "@/lib/generated/prisma/client";
import { appendConsentEvents, type ConsentEventDraft } from "@/lib/ledger/append-consent-events";
import { fingerprintRequest } from "@/lib/ledger/event-hash";
import { readDecisionCatalog } from "@/lib/policies/read-decision-catalog";
import { currentPurposeVersions, wordingOf } from "@/lib/policies/read-purpose-versions";
import type { Actor } from "@/lib/auth/actor";
import { actorAndContextColumns, fingerprintActor, recordedActor } from "./actor-columns";
import { grantConsentSchema, type GrantConsentInput } from "./schemas";

export interface ConsentDecision {
  /** The events recorded (on a replay: the first request's). Unchanged purposes record none. */
  events: ConsentEvent[];
  replayed: boolean;
}

const sortedUnique = (values: string[]) => [...new Set(values)].sort();

/**
 * Where the person gives consent themselves, in the portal, with the address they signed up with:
 * there an email purpose needs the address proved (ADR 040). Staff and API clients record
 * decisions collected elsewhere, with their own evidence; an import brings older records.
 */
const DOUBLE_OPT_IN_METHODS: ReadonlySet<string> = new Set(["signup", "portal", "reconsent"]);

/**
 * Records that a person agreed to purposes under the policy versions they were shown, and under
 * each purpose's current wording (its PurposeVersion and hash go into the event's hash). Refuses
 * (`policy_outdated`) when a shown version — a policy's, or a purpose's when the caller says which
 * it showed (`purposeVersionIds`) — is no longer current, so nobody is recorded as agreeing to
 * text they did not see. At sign-up every required purpose must be included. A purpose already
 * granted under the same policy version and wording records nothing. Granting a required purpose
 * that was withdrawn reopens a closed account (staff recording it on the person's behalf: the
 * person cannot sign in): the outbox then removes the Auth0 flag.
 *
 * Double opt-in (ADR 040): an optional purpose that requires a verified address, given by the
 * person while the portal does not know their address to be verified, is recorded as `requested`
 * (state `pending`, counted as given nowhere); `confirmEmailConsents` grants it once verified.
 */
export async function grantConsent(input: GrantConsentInput, actor: Actor, tx?: Tx): Promise<ConsentDecision> {
  const request = parseInput(grantConsentSchema, input);
  const recorded = recordedActor(actor, request.reason, request.method);
  const purposeKeys = sortedUnique(request.purposes);
  const shownIds = sortedUnique(request.policyVersionIds);
  const shownWordingIds = request.purposeVersionIds ? sortedUnique(request.purposeVersionIds) : undefined;
  const idempotencyKey = request.idempotencyKey ?? randomUUID();
  const requestFingerprint = fingerprintRequest({
    operation: "grant",
    subjectId: request.subjectId,
    purposes: purposeKeys,
    policyVersionIds: shownIds,
    ...(shownWordingIds ? { purposeVersionIds: shownWordingIds } : {}),
    method: request.method,
    actor: fingerprintActor(recorded),
  });

  // Without a caller's transaction the append is optimistic and may decide twice (ADR 050).
  let reopened = false;
  const result = await appendConsentEvents(
    {
      subjectId: request.subjectId,
      idempotencyKey,
      requestFingerprint,
      decide: async ({ subject, state }, tx) => {
        reopened = false;
        // The catalog is a few rows: one read serves the lookup, the sign-up check and the wordings.
        const {
          purposes: allPurposes,
          currentPolicies: current,
          wordings,
        } = await readDecisionCatalog(purposeKeys, tx);
        const addressUnproved = !subject.emailVerifiedAt && DOUBLE_OPT_IN_METHODS.has(request.method);
        const purposes = allPurposes.filter((purpose) => purposeKeys.includes(purpose.key));
        const unknown = purposeKeys.filter((key) => !purposes.some((purpose) => purpose.key === key));
        if (unknown.length) {
          throw new AppError("validation_failed", `Unknown purpose: ${unknown.join(", ")}.`, { field: "purposes" });
        }
        if (request.method === "signup") {
          const missing = allPurposes.filter((purpose) => purpose.required && !purposeKeys.includes(purpose.key));
          if (missing.length) {
            throw new AppError(
              "validation_failed",
              `Sign-up needs consent to: ${missing.map((purpose) => purpose.key).join(", ")}.`,
              { field: "purposes" },
            );
          }
        }
        // Anything shown that is not current is either superseded or unknown; only then look it up.
        const stale = shownIds.filter((id) => !current.some((version) => version.id === id));
        const shown = [
          ...current.filter((version) => shownIds.includes(version.id)),
          ...(stale.length
            ? await tx.policyVersion.findMany({
                where: { id: { in: stale } },
                select: { id: true, kind: true, textSha256: true },
              })
            : []),
        ];
        const currentWording = currentPurposeVersions(wordings);
        const columns = actorAndContextColumns(recorded, request.context);
        const drafts: ConsentEventDraft[] = [];
        for (const purpose of purposes.sort((a, b) => a.key.localeCompare(b.key))) {
          const wording = currentWording.get(purpose.id);
          if (!wording) throw new Error(`Purpose ${purpose.key} has no version`);
          if (shownWordingIds && !shownWordingIds.includes(wording.id)) {
            throw new AppError(
              "policy_outdated",
              `The wording of “${purpose.title}” has changed since the page was shown; please review it.`,
              { field: "purposeVersionIds" },
            );
          }
          const version = shown.find((candidate) => candidate.kind === purpose.policyKind);
          if (!version) {
            throw new AppError(
              "validation_failed",
              `The ${purpose.policyKind} document for "${purpose.key}" was not shown.`,
              {
                field: "policyVersionIds",
              },
            );
          }
          if (!current.some((candidate) => candidate.id === version.id)) {
            throw new AppError(
              "policy_outdated",
              `A newer ${purpose.policyKind} version has been published; please review it.`,
              {
                field: "policyVersionIds",
              },
            );
          }
          const existing = state.find((row) => row.purposeId === purpose.id);
          if (purpose.required && existing?.status === "withdrawn") reopened = true;
          const pending = addressUnproved && purpose.requiresVerifiedEmail && !purpose.required;
          if (
            (existing?.status === "granted" || (pending && existing?.status === "pending")) &&
            existing.policyVersionId === version.id &&
            wordingOf(existing, wordings)?.id === wording.id
          ) {
            continue;
          }
          drafts.push({
            action: pending ? "requested" : "granted",
            purposeId: purpose.id,
            purposeVersionId: wording.id,
            purposeTextSha256: wording.textSha256,
            policyVersionId: version.id,
            policyTextSha256: version.textSha256,
            method: request.method,
            ...columns,
          });
        }
        return drafts;
      },
      // Reopening a closed account removes its Auth0 flag; otherwise Auth0 mirrors the state.
      outbox: () => (reopened ? "reactivate_user" : "sync_consent"),
    },
    tx,
  );
  return { events: result.events, replayed: result.replayed };
}
