import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { grantConsent } from "./grant-consent";
import type { ConsentStatusView } from "./read-consent-status";
import type { RequestContext } from "./schemas";
import { withdrawConsent } from "./withdraw-consent";

/**
 * The consent gate's "Accept": grants every required purpose under the versions and wording
 * shown, renews the optional purposes the person ticked again, and records as lapsed (withdrawn)
 * the optional consents given under replaced terms or wording and not renewed. One transaction.
 */
export async function acceptConsentGate(
  input: {
    status: ConsentStatusView;
    keep: string[];
    policyVersionIds: string[];
    /** The purpose wordings the gate showed; a wording published since is refused (`policy_outdated`). */
    purposeVersionIds?: string[];
    context: RequestContext;
    idempotencyKey: string;
  },
  actor: Actor,
  tx?: Tx,
): Promise<void> {
  const { status } = input;
  const required = status.purposes.filter((row) => row.purpose.required).map((row) => row.purpose.key);
  const renewing = status.purposes.filter((row) => !row.purpose.required && row.needsReconsent);
  const renewed = renewing.filter((row) => input.keep.includes(row.purpose.key)).map((row) => row.purpose.key);
  const lapsed = renewing.filter((row) => !input.keep.includes(row.purpose.key)).map((row) => row.purpose.key);
  // A first consent of someone created elsewhere is given in the portal; a renewal is re-consent.
  const isRenewal = status.purposes.some((row) => row.purpose.required && row.policyVersion);
  await inTransaction(tx, async (tx) => {
    await grantConsent(
      {
        subjectId: status.subjectId,
        purposes: [...required, ...renewed],
        policyVersionIds: input.policyVersionIds,
        purposeVersionIds: input.purposeVersionIds,
        method: isRenewal ? "reconsent" : "portal",
        context: input.context,
        idempotencyKey: `${input.idempotencyKey}:grant`,
      },
      actor,
      tx,
    );
    if (lapsed.length) {
      await withdrawConsent(
        {
          subjectId: status.subjectId,
          purposes: lapsed,
          method: "reconsent",
          context: input.context,
          idempotencyKey: `${input.idempotencyKey}:lapse`,
        },
        actor,
        tx,
      );
    }
  });
}
