import "server-only";
import { grantConsent } from "@/lib/consent/grant-consent";
import { consentMetadataPatch } from "@/lib/consent/auth0-consent-metadata";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db, type Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import type { Auth0Directory } from "../auth0-directory";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { Actor } from "@/lib/auth/actor";
import { callAuth0, type ProxyResponse, type UpstreamFetch } from "./call-auth0";
import { planConsentChange, type ConsentPlan } from "./plan-consent-change";
import { consentPatchSchema, upstreamPath, type ProxyRoute, type UpdateUserBody } from "./proxy-routes";

/**
 * PATCH /users/{id}. A change to `user_metadata.consent` is first recorded in the ledger (method
 * `api`, the staff member as actor), and Auth0 then receives the ledger's projection in its place,
 * so Auth0 never holds a consent the ledger cannot prove. Removing the consent object of a person
 * the ledger has decisions for is refused: withdrawal is a decision, not a deletion.
 */
export async function updateUserThroughLedger(
  actor: Actor,
  route: Extract<ProxyRoute, { name: "update_user" }>,
  body: UpdateUserBody,
  fetchUpstream: UpstreamFetch,
  directory: Auth0Directory,
): Promise<ProxyResponse> {
  const consent = body.user_metadata?.consent;
  const clearsMetadata = body.user_metadata !== undefined && Object.keys(body.user_metadata).length === 0;
  const detail = { endpoint: route.name, auth0UserId: route.userId, properties: Object.keys(body).sort() };
  let subject = await db().subject.findUnique({ where: { auth0UserId: route.userId } });

  if ((consent === null || clearsMetadata) && subject && subject.lastSeq > 0) {
    throw new AppError(
      "conflict",
      'user_metadata.consent mirrors the consent ledger and cannot be removed. To withdraw, send {"user_metadata":{"consent":{"given":false}}} (or purposes).',
      { errorCode: "consent_managed_by_ledger", field: "user_metadata.consent" },
    );
  }

  if (consent === undefined || consent === null) {
    await appendAccessLog({ action: "mgmt.write", subjectId: subject?.id ?? null, detail }, actor);
    return callAuth0(fetchUpstream, upstreamPath(route), { method: "PATCH", body: JSON.stringify(body) });
  }

  const patch = consentPatchSchema.parse(consent);
  if (!subject) {
    // Known to Auth0 only: the ledger starts here, with this decision.
    const person = await directory.findById(route.userId);
    if (!person) throw new AppError("not_found", "The user does not exist.", { errorCode: "inexistent_user" });
    if (!person.email)
      throw new AppError("conflict", "This Auth0 user has no email address.", { errorCode: "no_email" });
    if (person.flaggedDeleted) {
      throw new AppError("conflict", "This Auth0 user is flagged as deleted; record nothing for them.", {
        errorCode: "user_flagged_deleted",
      });
    }
    await ensureSubject({ auth0UserId: person.userId, email: person.email, name: person.name });
    subject = await db().subject.findUniqueOrThrow({ where: { auth0UserId: route.userId } });
  }
  const subjectId = subject.id;
  const status = await readConsentStatus(subjectId);
  if (!status || status.erased) throw new AppError("subject_erased", "This person's data was erased.");
  const plan = planConsentChange(
    patch,
    status.purposes.map((row) => ({
      key: row.purpose.key,
      required: row.purpose.required,
      policyKind: row.purpose.policyKind,
      granted: row.status === "granted",
    })),
    { terms: status.currentPolicies.terms?.version ?? null, privacy: status.currentPolicies.privacy?.version ?? null },
  );
  const reason = `Management API proxy: PATCH /users/${route.userId}${actor.via.type === "api_token" ? ` (staff API token ${actor.via.tokenId})` : ""}`;
  await inTransaction(undefined, async (tx) => {
    await appendAccessLog({ action: "mgmt.write", subjectId, detail: { ...detail, consent: plan } }, actor, tx);
    await recordPlan(subjectId, plan, actor, reason, status.currentPolicies, tx);
  });
  const projected = await readConsentMetadata(subjectId);
  // The one documented shape (ADR 041): the object, and no flat consent keys beside it.
  const forwarded = { ...body, user_metadata: { ...body.user_metadata, ...consentMetadataPatch(projected) } };
  return callAuth0(fetchUpstream, upstreamPath(route), { method: "PATCH", body: JSON.stringify(forwarded) });
}

async function recordPlan(
  subjectId: string,
  plan: ConsentPlan,
  actor: Actor,
  reason: string,
  current: Record<string, { id: string } | null>,
  tx: Tx,
) {
  if (plan.grant.length > 0) {
    await grantConsent(
      {
        subjectId,
        purposes: plan.grant,
        policyVersionIds: Object.values(current).flatMap((version) => (version ? [version.id] : [])),
        method: "api",
        reason,
      },
      actor,
      tx,
    );
  }
  if (plan.withdraw.length > 0) {
    await withdrawConsent({ subjectId, purposes: plan.withdraw, method: "api", reason }, actor, tx);
  }
}
