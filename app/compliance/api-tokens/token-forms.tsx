"use client";

import { useActionState } from "react";
import { fieldErrorId, FieldError, FormStatus, hasFieldError } from "@/components/form-status";
import { PendingButton, PreservingForm } from "@/components/preserving-form";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { createTokenAction, revokeTokenAction } from "./actions";

const control = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2";

export function CreateTokenForm({ canWrite }: { canWrite: boolean }) {
  const [state, action, pending] = useActionState(createTokenAction, IDLE);
  const invalid = (name: string) =>
    hasFieldError(state, name) ? { "aria-invalid": true, "aria-describedby": fieldErrorId(name) } : {};
  return (
    <PreservingForm action={action} state={state} noValidate className="grid gap-4 sm:grid-cols-3">
      <div>
        <label htmlFor="token-label" className="block text-sm font-medium">
          Name
        </label>
        <input
          id="token-label"
          name="label"
          className={control}
          placeholder="nightly audit script"
          {...invalid("label")}
        />
        <FieldError state={state} name="label" />
      </div>
      <div>
        <label htmlFor="token-role" className="block text-sm font-medium">
          May
        </label>
        <select id="token-role" name="role" defaultValue="compliance" className={control} {...invalid("role")}>
          <option value="compliance">Read (compliance)</option>
          {canWrite && <option value="admin">Read and write (admin)</option>}
        </select>
        <FieldError state={state} name="role" />
      </div>
      <div>
        <label htmlFor="token-days" className="block text-sm font-medium">
          Expires after (days)
        </label>
        <input
          id="token-days"
          name="expiresInDays"
          type="number"
          min={1}
          max={90}
          defaultValue={30}
          className={control}
          {...invalid("expiresInDays")}
        />
        <FieldError state={state} name="expiresInDays" />
      </div>
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
    <form action={action} className="inline">
      <input type="hidden" name="tokenId" value={tokenId} />
      <SubmitButton variant="secondary" pendingText="Revoking…">
        Revoke<span className="sr-only"> {label}</span>
      </SubmitButton>
      {state.status === "error" && <FormStatus state={state} />}
    </form>
  );
}
