"use client";

import { useActionState } from "react";
import { fieldErrorId, FieldError, FormStatus, hasFieldError } from "@/components/form-status";
import { PendingButton, PreservingForm } from "@/components/preserving-form";
import { IDLE } from "@/lib/http/action-state";
import { recordOnBehalfAction } from "./actions";

const control = "mt-1 block w-full rounded-md border border-slate-400 bg-white px-3 py-2 disabled:bg-slate-100";

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
  const invalid = (name: string) =>
    hasFieldError(state, name) ? { "aria-invalid": true, "aria-describedby": fieldErrorId(name) } : {};
  return (
    <PreservingForm
      action={action}
      state={state}
      noValidate
      className="space-y-4"
      aria-describedby={props.canRecord ? undefined : "record-read-only"}
    >
      {!props.canRecord && (
        <p id="record-read-only" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
          Read-only: recording a decision on someone&apos;s behalf is for admins. Compliance staff audit; ask an admin
          to record a form or call you received.
        </p>
      )}
      <input type="hidden" name="subjectId" value={props.subjectId} />
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      {props.policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      <fieldset disabled={!props.canRecord} className="grid gap-4 sm:grid-cols-2">
        <legend className="sr-only">The decision received</legend>
        <div>
          <label htmlFor="record-purpose" className="block text-sm font-medium">
            Purpose
          </label>
          <select
            id="record-purpose"
            className={control}
            name="purpose"

            {...invalid("purpose")}
          >
            {props.purposes.map((purpose) => (
              <option key={purpose.key} value={purpose.key}>
                {purpose.title}
                {purpose.required ? " (required)" : ""}
              </option>
            ))}
          </select>
          <FieldError state={state} name="purpose" />
        </div>
        <div>
          <label htmlFor="record-decision" className="block text-sm font-medium">
            Decision
          </label>
          <select
            id="record-decision"
            className={control}
            name="decision"

            {...invalid("decision")}
          >
            <option value="grant">Consent given</option>
            <option value="withdraw">Consent withdrawn</option>
          </select>
          <FieldError state={state} name="decision" />
        </div>
        <div>
          <label htmlFor="record-channel" className="block text-sm font-medium">
            Received
          </label>
          <select
            id="record-channel"
            className={control}
            name="channel"

            {...invalid("channel")}
          >
            <option value="paper">On paper</option>
            <option value="phone">By phone</option>
            <option value="email">By email</option>
            <option value="in-person">In person</option>
          </select>
          <FieldError state={state} name="channel" />
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="record-reason" className="block text-sm font-medium">
            Reason and reference (required)
          </label>
          <textarea id="record-reason" name="reason" rows={2} required className={control} {...invalid("reason")} />
          <FieldError state={state} name="reason" />
        </div>
        <div className="sm:col-span-2">
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="confirmRequired"
              value="yes"
              className="mt-1"
              {...invalid("confirmRequired")}
            />
            <span>I confirm: withdrawing a required purpose closes the person&apos;s account.</span>
          </label>
          <FieldError state={state} name="confirmRequired" />
        </div>
      </fieldset>
      {props.canRecord && (
        <PendingButton pending={pending} pendingText="Recording…">
          Record decision
        </PendingButton>
      )}
      <FormStatus state={state} />
    </PreservingForm>
  );
}
