"use client";

import { useActionState } from "react";
import { CheckboxField, TextInput } from "@/components/form-field";
import { FieldError, FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { PendingButton, SubmitButton } from "@/components/submit-button";
import { IDLE, type ActionState } from "@/lib/http/action-state";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/schemas";
import {
  registerWebhookAction,
  replayWebhookDeliveryAction,
  rotateWebhookSecretAction,
  setWebhookEnabledAction,
} from "./actions";

const EVENT_HINTS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  "consent.granted": "a person agreed to a purpose",
  "consent.withdrawn": "a person withdrew or refused a purpose",
  "subject.erased": "a person's data was erased",
  "policy.published": "a new Terms or Privacy Policy version was published",
};

/** The secret, shown once after it was made. */
function NewSecret({ state, intro }: { state: ActionState; intro: string }) {
  if (state.status !== "success") return <FormStatus state={state} />;
  return (
    <div role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-green-950">
      <p className="font-medium">{intro} Copy it now, it will not be shown again:</p>
      <code data-testid="webhook-secret" className="mt-2 block font-mono break-all">
        {state.message}
      </code>
    </div>
  );
}

export function RegisterWebhookForm() {
  const [state, action, pending] = useActionState(registerWebhookAction, IDLE);
  return (
    <PreservingForm action={action} state={state} noValidate className="space-y-4">
      <TextInput
        state={state}
        name="url"
        label="Endpoint URL"
        type="url"
        required
        placeholder="https://mail-tool.example/webhooks/consent"
        hint="http(s) only. Private and loopback addresses are refused unless WEBHOOK_ALLOW_PRIVATE is set."
        autoComplete="off"
      />
      <TextInput state={state} name="description" label="Description (optional)" placeholder="Mail tool" />
      <fieldset className="space-y-2">
        <legend className="font-medium">Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <CheckboxField
            key={type}
            name="events"
            id={`event-${type}`}
            value={type}
            label={
              <>
                <code>{type}</code>: {EVENT_HINTS[type]}
              </>
            }
          />
        ))}
        <FieldError state={state} name="events" />
      </fieldset>
      <PendingButton pending={pending} pendingText="Registering…">
        Register endpoint
      </PendingButton>
      <NewSecret state={state} intro="Endpoint registered. Its signing secret:" />
    </PreservingForm>
  );
}

export function RotateSecretForm({ endpointId }: { endpointId: string }) {
  const [state, action, pending] = useActionState(rotateWebhookSecretAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-3">
      <input type="hidden" name="endpointId" value={endpointId} />
      <CheckboxField
        name="endNow"
        label="End the old secret now"
        hint="Otherwise both secrets sign every delivery for 24 hours, so the receiver can switch without losing any."
      />
      <PendingButton pending={pending} pendingText="Rotating…">
        Rotate secret
      </PendingButton>
      <NewSecret state={state} intro="The new secret:" />
    </PreservingForm>
  );
}

export function SetEnabledForm({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  const [state, action] = useActionState(setWebhookEnabledAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      {!enabled && <input type="hidden" name="enabled" value="true" />}
      <SubmitButton variant={enabled ? "secondary" : "primary"} pendingText={enabled ? "Disabling…" : "Enabling…"}>
        {enabled ? "Disable endpoint" : "Enable endpoint"}
      </SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}

export function ReplayForm({ deliveryId, label }: { deliveryId: string; label: string }) {
  const [state, action] = useActionState(replayWebhookDeliveryAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="inline">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <SubmitButton variant="secondary" pendingText="Queuing…">
        Replay<span className="sr-only"> {label}</span>
      </SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
