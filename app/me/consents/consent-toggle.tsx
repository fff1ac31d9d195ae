"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { changeConsent } from "./actions";

/** One click gives or withdraws consent to a purpose. */
export function ConsentToggle(props: {
  purposeKey: string;
  purposeTitle: string;
  granted: boolean;
  policyVersionIds: string[];
  idempotencyKey: string;
}) {
  const [state, action] = useActionState(changeConsent, IDLE);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="purpose" value={props.purposeKey} />
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      {props.policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      {props.granted ? (
        <SubmitButton name="decision" value="withdraw" variant="secondary" pendingText="Withdrawing…">
          Withdraw<span className="sr-only"> consent to {props.purposeTitle}</span>
        </SubmitButton>
      ) : (
        <SubmitButton name="decision" value="grant" pendingText="Recording…">
          Give consent<span className="sr-only"> to {props.purposeTitle}</span>
        </SubmitButton>
      )}
      <FormStatus state={state} />
    </form>
  );
}
