"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { resendVerificationLink } from "./actions";

/** Asks Auth0 to email the verification link again. */
export function ResendVerificationLink() {
  const [state, action] = useActionState(resendVerificationLink, IDLE);
  return (
    <form action={action} className="mt-3 space-y-2">
      <SubmitButton variant="secondary" pendingText="Sending…">
        Send the link again
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
