"use server";

import { revalidatePath } from "next/cache";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { withdrawalPolicyFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";

export const changeWithdrawalPolicyAction = defineAction(
  { role: "admin", schema: withdrawalPolicyFormSchema },
  async (input, actor) => {
    const result = await changeWithdrawalPolicy(input, actor);
    revalidatePath("/admin/withdrawal-policy");
    if (!result.changed) return "Nothing changed.";
    return result.policy.onRequiredWithdrawal === "delete"
      ? "Saved: from now on, withdrawing a required consent deletes the Auth0 user."
      : "Saved: from now on, withdrawing a required consent flags the Auth0 user as deleted.";
  },
);
