"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { reconcileNowAction } from "./reconciliation-actions";

export function ReconcileNowForm() {
  const [state, action] = useActionState(reconcileNowAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-2">
      <SubmitButton variant="secondary" pendingText="Starting…">
        Compare Auth0 with the ledger now
      </SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
