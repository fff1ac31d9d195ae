"use client";

import { useActionState } from "react";
import { PreservingForm } from "@/components/preserving-form";
import { RadioGroup } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { changeWithdrawalPolicyAction } from "./actions";

const OPTIONS = [
  {
    value: "flag",
    label: "Flag the Auth0 user as deleted",
    hint: "Sets app_metadata.deleted = true. The account stays in Auth0 for your records, and every sign-in is refused with “Access denied (deleted user)”.",
  },
  {
    value: "delete",
    label: "Delete the Auth0 user",
    hint: "Deletes the user from Auth0. They can no longer sign in; signing up again creates a new account. The consent ledger keeps its proof either way.",
  },
] as const;

export function WithdrawalPolicyForm({ current }: { current: "flag" | "delete" }) {
  const [state, action] = useActionState(changeWithdrawalPolicyAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4">
      <RadioGroup
        name="onRequiredWithdrawal"
        legend="When someone withdraws a required consent"
        options={OPTIONS}
        defaultValue={current}
      />
      <SubmitButton>Save withdrawal policy</SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
