"use client";

import { useActionState } from "react";
import { FieldError, FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { deleteAccount } from "./actions";

export function DeleteAccountForm({ idempotencyKey }: { idempotencyKey: string }) {
  const [state, action] = useActionState(deleteAccount, IDLE);
  return (
    <form action={action} className="mt-6 space-y-4">
      <FormStatus state={state} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <div className="flex items-start gap-3">
        <input id="confirm" name="confirm" value="yes" type="checkbox" className="mt-1 h-5 w-5" />
        <label htmlFor="confirm">I understand that this cannot be undone.</label>
      </div>
      <FieldError state={state} name="confirm" />
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete my account
      </SubmitButton>
    </form>
  );
}
