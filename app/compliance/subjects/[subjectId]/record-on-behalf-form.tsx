"use client";

import { useActionState } from "react";
import { CheckboxField, SelectInput, TextArea } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PreservingForm } from "@/components/preserving-form";
import { PendingButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { recordOnBehalfAction } from "./actions";

/**
 * Recording a consent or withdrawal received outside the portal. Admins act; compliance staff
 * see the same form disabled, so they know what an admin would be asked for.
 */
export function RecordOnBehalfForm(props: {
  subjectId: string;
  purposes: Array<{ key: string; title: string; required: boolean }>;
  policyVersionIds: string[];
  idempotencyKey: string;
  canRecord: boolean;
}) {
  const [state, action, pending] = useActionState(recordOnBehalfAction, IDLE);
  // Compliance staff audit and do not record: a note, not a greyed-out form they cannot use.
  if (!props.canRecord) {
    return (
      <p id="record-read-only" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
        Recording a decision on someone&apos;s behalf is for admins. Compliance staff audit; ask an admin to record a
        form or call you received.
      </p>
    );
  }
  return (
    <PreservingForm action={action} state={state} noValidate className="space-y-4">
      <input type="hidden" name="subjectId" value={props.subjectId} />
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      {props.policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      <fieldset className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <legend className="sr-only">The decision received</legend>
        <SelectInput
          state={state}
          name="purpose"
          id="record-purpose"
          label="Purpose"
          options={props.purposes.map((purpose) => ({
            value: purpose.key,
            label: `${purpose.title}${purpose.required ? " (required)" : ""}`,
          }))}
        />
        <SelectInput state={state} name="decision" id="record-decision" label="Decision">
          <option value="grant">Consent given</option>
          <option value="withdraw">Consent withdrawn</option>
        </SelectInput>
        <SelectInput state={state} name="channel" id="record-channel" label="Received">
          <option value="paper">On paper</option>
          <option value="phone">By phone</option>
          <option value="email">By email</option>
          <option value="in-person">In person</option>
        </SelectInput>
        <TextArea
          state={state}
          name="reason"
          id="record-reason"
          label="Reason and reference (required)"
          rows={2}
          required
          className="sm:col-span-2"
        />
        <CheckboxField
          state={state}
          name="confirmRequired"
          label="I confirm: withdrawing a required purpose closes the person's account."
          value="yes"
          className="sm:col-span-2"
        />
      </fieldset>
      <PendingButton pending={pending} pendingText="Recording…">
        Record decision
      </PendingButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
