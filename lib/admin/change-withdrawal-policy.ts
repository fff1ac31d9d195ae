import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithdrawalPolicy, WITHDRAWAL_POLICY_SETTING } from "@/lib/consent/withdrawal-policy";
import { withdrawalPolicySchema, type WithdrawalPolicy } from "@/lib/consent/schemas";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appendAdminChange } from "./append-admin-change";

/**
 * Sets what withdrawing a required consent does to the Auth0 user (the seed's choice: delete
 * it, or flag it `app_metadata.deleted` so sign-in is refused), and logs who changed it from
 * what. Applies to withdrawals recorded from now on; earlier ones keep the outcome they had.
 */
export async function changeWithdrawalPolicy(
  input: WithdrawalPolicy,
  actor: Actor,
  tx?: Tx,
): Promise<{ changed: boolean; policy: WithdrawalPolicy }> {
  const policy = parseInput(withdrawalPolicySchema, input);
  return inTransaction(tx, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`setting:${WITHDRAWAL_POLICY_SETTING}`}))`;
    const before = await readWithdrawalPolicy(tx);
    if (before.onRequiredWithdrawal === policy.onRequiredWithdrawal) return { changed: false, policy: before };
    const value = policy as Prisma.InputJsonValue;
    await tx.setting.upsert({
      where: { key: WITHDRAWAL_POLICY_SETTING },
      create: { key: WITHDRAWAL_POLICY_SETTING, value },
      update: { value },
    });
    await appendAdminChange(
      { action: "withdrawal_policy.update", target: WITHDRAWAL_POLICY_SETTING, before, after: policy },
      actor,
      tx,
    );
    return { changed: true, policy };
  });
}
