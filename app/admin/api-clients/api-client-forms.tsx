"use client";

import { useActionState } from "react";
import { CheckboxField, TextInput } from "@/components/form-field";
import { FieldError, FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { PendingButton, SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { registerApiClientAction, revokeApiClientAction } from "./actions";

export function RegisterApiClientForm({ scopes }: { scopes: ReadonlyArray<{ scope: string; description: string }> }) {
  const [state, action, pending] = useActionState(registerApiClientAction, IDLE);
  const [clientId, clientSecret] = state.status === "success" ? state.message.split("\n") : [];
  return (
    <PreservingForm action={action} state={state} noValidate className="space-y-4">
      <TextInput state={state} name="name" id="client-name" label="Name" placeholder="Mail tool" />
      <fieldset>
        <legend className="font-medium">Scopes</legend>
        <div className="mt-2 space-y-2">
          {scopes.map(({ scope, description }) => (
            <CheckboxField
              key={scope}
              name="scopes"
              id={`scope-${scope.replace(":", "-")}`}
              value={scope}
              label={<code>{scope}</code>}
              hint={description}
            />
          ))}
        </div>
        <FieldError state={state} name="scopes" />
      </fieldset>
      <PendingButton pending={pending} pendingText="Registering…">
        Register client
      </PendingButton>
      {state.status === "success" ? (
        <div role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-green-950">
          <p className="font-medium">Registered. Copy the secret now — it will not be shown again:</p>
          <dl className="mt-2 grid gap-1 font-mono text-sm break-all">
            <dt className="font-sans font-medium">Client ID</dt>
            <dd data-testid="new-client-id">{clientId}</dd>
            <dt className="font-sans font-medium">Client secret</dt>
            <dd data-testid="new-client-secret">{clientSecret}</dd>
          </dl>
        </div>
      ) : (
        <FormStatus state={state} />
      )}
    </PreservingForm>
  );
}

export function RevokeApiClientForm({ clientId, name }: { clientId: string; name: string }) {
  const [state, action] = useActionState(revokeApiClientAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="inline">
      <input type="hidden" name="clientId" value={clientId} />
      <SubmitButton variant="secondary" pendingText="Revoking…">
        Revoke<span className="sr-only"> {name}</span>
      </SubmitButton>
      {state.status === "error" && <FormStatus state={state} />}
    </PreservingForm>
  );
}
