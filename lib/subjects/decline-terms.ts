import "server-only";
import { readWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import { db } from "@/lib/db/client";
import { enqueueOutboxMessage } from "@/lib/outbox/enqueue-outbox-message";
import type { SubjectView } from "./subject-profile";

/**
 * A person who never gave the required consent and declines it at the gate: there is no
 * consent to withdraw (so no ledger event), but the account is closed all the same, flagged
 * or deleted in Auth0 as the withdrawal policy says.
 */
export async function declineTerms(subject: SubjectView): Promise<void> {
  await db().$transaction(async (tx) => {
    const policy = await readWithdrawalPolicy(tx);
    await enqueueOutboxMessage(
      {
        subjectId: subject.id,
        seq: subject.lastSeq,
        kind: policy.onRequiredWithdrawal === "delete" ? "delete_user" : "flag_deleted",
        auth0UserId: subject.auth0UserId,
      },
      tx,
    );
  });
}
