"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { endMySessionAction } from "./actions";

export function EndSessionForm({ sessionId, signedInAt }: { sessionId: string; signedInAt: string }) {
  const [state, action] = useActionState(endMySessionAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-2">
      <input type="hidden" name="sessionId" value={sessionId} />
      <SubmitButton variant="secondary" pendingText="Ending…">
        End session<span className="sr-only"> signed in at {signedInAt}</span>
      </SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
