import "server-only";
import type { RequestContext } from "@/lib/consent/schemas";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { eraseSubject } from "./erase-subject";
import type { ConsentStatusView } from "@/lib/consent/read-consent-status";

/**
 * "Delete my account": withdraws every consent still given, then erases the subject
 * (crypto-shredding), all in one transaction; the Auth0 user is deleted through the outbox
 * whatever the withdrawal policy (erasure, ADR 036).
 */
export async function deleteMyAccount(
  input: { status: ConsentStatusView; context: RequestContext; idempotencyKey: string },
  actor: Actor,
  tx?: Tx,
): Promise<void> {
  const granted = input.status.purposes.filter((row) => row.status === "granted").map((row) => row.purpose.key);
  await inTransaction(tx, async (tx) => {
    if (granted.length) {
      await withdrawConsent(
        {
          subjectId: input.status.subjectId,
          purposes: granted,
          method: "portal",
          context: input.context,
          idempotencyKey: `${input.idempotencyKey}:withdraw`,
        },
        actor,
        tx,
      );
    }
    await eraseSubject(
      {
        subjectId: input.status.subjectId,
        context: input.context,
        idempotencyKey: `${input.idempotencyKey}:erase`,
      },
      actor,
      tx,
    );
  });
}
