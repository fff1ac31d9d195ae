import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { withdrawalPolicySchema, type WithdrawalPolicy } from "./schemas";

/** The Setting row; only `changeWithdrawalPolicy` (lib/admin, audited) writes it. */
export const WITHDRAWAL_POLICY_SETTING = "consent.withdrawalPolicy";
const DEFAULT_POLICY: WithdrawalPolicy = { onRequiredWithdrawal: "flag" };

/** What withdrawing a required consent does to the Auth0 user (default: flag as deleted). */
export async function readWithdrawalPolicy(tx?: Tx): Promise<WithdrawalPolicy> {
  const setting = await (tx ?? db()).setting.findUnique({ where: { key: WITHDRAWAL_POLICY_SETTING } });
  const parsed = withdrawalPolicySchema.safeParse(setting?.value);
  return parsed.success ? parsed.data : DEFAULT_POLICY;
}
