import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import { withdrawalPolicySchema, type WithdrawalPolicy } from "./schemas";

const SETTING_KEY = "consent.withdrawalPolicy";
const DEFAULT_POLICY: WithdrawalPolicy = { onRequiredWithdrawal: "flag" };

/** What withdrawing a required consent does to the Auth0 user (default: flag as deleted). */
export async function readWithdrawalPolicy(tx?: Tx): Promise<WithdrawalPolicy> {
  const setting = await (tx ?? db()).setting.findUnique({ where: { key: SETTING_KEY } });
  const parsed = withdrawalPolicySchema.safeParse(setting?.value);
  return parsed.success ? parsed.data : DEFAULT_POLICY;
}

/** Admins choose between flagging and deleting; applies to withdrawals from now on. */
export async function updateWithdrawalPolicy(policy: WithdrawalPolicy, tx?: Tx): Promise<WithdrawalPolicy> {
  const value = parseInput(withdrawalPolicySchema, policy);
  await (tx ?? db()).setting.upsert({
    where: { key: SETTING_KEY },
    create: { key: SETTING_KEY, value },
    update: { value, updatedAt: new Date() },
  });
  return value;
}
