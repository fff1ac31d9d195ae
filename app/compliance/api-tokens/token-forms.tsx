"use client";

import { useActionState } from "react";
import { SelectInput, TextInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { PendingButton, SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { createTokenAction, revokeTokenAction } from "./actions";

export function CreateTokenForm({ canWrite }: { canWrite: boolean }) {
  const [state, action, pending] = useActionState(createTokenAction, IDLE);
  return (
    <PreservingForm action={action} state={state} noValidate className="grid grid-cols-1 gap-4 sm:grid-cols-3">
      <TextInput state={state} name="label" id="token-label" label="Name" placeholder="nightly audit script" />
      <SelectInput state={state} name="role" id="token-role" label="May" defaultValue="compliance">
        <option value="compliance">Read (compliance)</option>
        {canWrite && <option value="admin">Read and write (admin)</option>}
      </SelectInput>
      <TextInput
        state={state}
        name="expiresInDays"
        id="token-days"
        label="Expires after (days)"
        type="number"
        min={1}
        max={90}
        defaultValue={30}
      />
      <div className="sm:col-span-3">
        <PendingButton pending={pending} pendingText="Creating…">
          Create token
        </PendingButton>
      </div>
      {state.status === "success" ? (
        <div role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-green-950 sm:col-span-3">
          <p className="font-medium">Your new token — copy it now, it will not be shown again:</p>
          <code data-testid="new-token" className="mt-2 block font-mono break-all">
            {state.message}
          </code>
        </div>
      ) : (
        <div className="sm:col-span-3">
          <FormStatus state={state} />
        </div>
      )}
    </PreservingForm>
  );
}

export function RevokeTokenForm({ tokenId, label }: { tokenId: string; label: string }) {
  const [state, action] = useActionState(revokeTokenAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="inline">
      <input type="hidden" name="tokenId" value={tokenId} />
      <SubmitButton variant="secondary" pendingText="Revoking…">
        Revoke<span className="sr-only"> {label}</span>
      </SubmitButton>
      {state.status === "error" && <FormStatus state={state} />}
    </PreservingForm>
  );
}
