import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { RequestContext } from "@/lib/consent/schemas";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import type { Tx } from "@/lib/db/client";
import type { SubjectView } from "./subject-profile";

/**
 * A person declines a required consent (the gate's "I do not accept", or the confirmation page
 * for the Terms): whatever they had given is withdrawn and a required purpose never given is
 * recorded as refused, so the closing is on the ledger; the outbox then flags or deletes the
 * Auth0 user as the withdrawal policy says. One transaction, through `withdrawConsent`.
 */
export async function declineTerms(
  input: { subject: Pick<SubjectView, "id">; purpose: string; context: RequestContext; idempotencyKey: string },
  actor: Actor,
  tx?: Tx,
): Promise<void> {
  await withdrawConsent(
    {
      subjectId: input.subject.id,
      purposes: [input.purpose],
      method: "portal",
      declineRequired: true,
      context: input.context,
      idempotencyKey: input.idempotencyKey,
    },
    actor,
    tx,
  );
}
