import "server-only";
import { readWithdrawalPolicy, updateWithdrawalPolicy } from "@/lib/consent/withdrawal-policy";
import type { WithdrawalPolicy } from "@/lib/consent/schemas";
import { db } from "@/lib/db/client";
import { appendAdminChange } from "./append-admin-change";

/**
 * Sets what withdrawing a required consent does to the Auth0 user (the seed's choice: delete
 * it, or flag it `app_metadata.deleted` so sign-in is refused), and logs who changed it from
 * what. Applies to withdrawals recorded from now on; earlier ones keep the outcome they had.
 */
export async function changeWithdrawalPolicy(
  policy: WithdrawalPolicy,
  actorId: string,
): Promise<{ changed: boolean; policy: WithdrawalPolicy }> {
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('setting:consent.withdrawalPolicy'))`;
    const before = await readWithdrawalPolicy(tx);
    if (before.onRequiredWithdrawal === policy.onRequiredWithdrawal) return { changed: false, policy: before };
    const after = await updateWithdrawalPolicy(policy, tx);
    await appendAdminChange(
      { actorId, action: "withdrawal_policy.update", target: "consent.withdrawalPolicy", before, after },
      tx,
    );
    return { changed: true, policy: after };
  });
}
