"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { withdrawRequiredConsent } from "../../actions";

export function ConfirmWithdrawalForm({
  purpose,
  idempotencyKey,
  declining,
}: {
  purpose: string;
  idempotencyKey: string;
  /** Never agreed: the person declines rather than withdraws. */
  declining: boolean;
}) {
  const [state, action] = useActionState(withdrawRequiredConsent, IDLE);
  return (
    <form action={action} className="mt-6 space-y-4">
      <FormStatus state={state} />
      <input type="hidden" name="purpose" value={purpose} />
      <input type="hidden" name="confirm" value="yes" />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <div className="flex flex-wrap items-center gap-4">
        <SubmitButton variant="danger" pendingText={declining ? "Declining…" : "Withdrawing…"}>
          {declining ? "Yes, decline and close my account" : "Yes, withdraw and close my account"}
        </SubmitButton>
        <a href="/me/consents" className="font-medium text-blue-800 underline">
          No, keep my account
        </a>
      </div>
    </form>
  );
}
