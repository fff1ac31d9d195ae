"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { changeWithdrawalPolicyAction } from "./actions";

const OPTIONS = [
  {
    value: "flag",
    label: "Flag the Auth0 user as deleted",
    detail:
      "Sets app_metadata.deleted = true. The account stays in Auth0 for your records, and every sign-in is refused with “Access denied (deleted user)”.",
  },
  {
    value: "delete",
    label: "Delete the Auth0 user",
    detail:
      "Deletes the user from Auth0. They can no longer sign in; signing up again creates a new account. The consent ledger keeps its proof either way.",
  },
] as const;

export function WithdrawalPolicyForm({ current }: { current: "flag" | "delete" }) {
  const [state, action] = useActionState(changeWithdrawalPolicyAction, IDLE);
  return (
    <form action={action} className="space-y-4">
      <fieldset>
        <legend className="font-semibold">When someone withdraws a required consent</legend>
        <div className="mt-3 space-y-3">
          {OPTIONS.map((option) => (
            <div key={option.value} className="flex items-start gap-3">
              <input
                id={`onRequiredWithdrawal-${option.value}`}
                type="radio"
                name="onRequiredWithdrawal"
                value={option.value}
                defaultChecked={current === option.value}
                className="mt-1 h-5 w-5"
                aria-describedby={`onRequiredWithdrawal-${option.value}-detail`}
              />
              <div>
                <label htmlFor={`onRequiredWithdrawal-${option.value}`} className="font-medium">
                  {option.label}
                </label>
                <p id={`onRequiredWithdrawal-${option.value}-detail`} className="text-sm text-slate-600">
                  {option.detail}
                </p>
              </div>
            </div>
          ))}
        </div>
      </fieldset>
      <SubmitButton>Save withdrawal policy</SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
