"use client";

import { useActionState } from "react";
import { TextAreaField, TextField, inputClass, invalidProps } from "@/components/form-field";
import { FieldError, FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { createPurposeAction, updatePurposeAction, reinstatePurposeAction, retirePurposeAction } from "./actions";

function RequiredBox(props: { defaultChecked?: boolean; state: Parameters<typeof invalidProps>[0] }) {
  return (
    <div>
      <div className="flex items-start gap-3">
        <input
          id="required"
          name="required"
          type="checkbox"
          className="mt-1 h-5 w-5"
          defaultChecked={props.defaultChecked}
          aria-describedby="required-hint"
          {...invalidProps(props.state, "required")}
        />
        <label htmlFor="required" className="font-medium">
          Required to use the service
        </label>
      </div>
      <p id="required-hint" className="mt-1 text-sm text-slate-600">
        Everyone who has not agreed to a required purpose is sent through the consent gate at their next visit, and
        withdrawing it closes the account (see the withdrawal policy).
      </p>
      <FieldError state={props.state} name="required" />
    </div>
  );
}

export function CreatePurposeForm() {
  const [state, action] = useActionState(createPurposeAction, IDLE);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <TextField
        state={state}
        name="key"
        label="Key"
        required
        hint="Lower-case letters, digits and hyphens, e.g. newsletter. It appears in Auth0 metadata and never changes."
      />
      <TextField state={state} name="title" label="Title" required />
      <TextAreaField state={state} name="description" label="What the person agrees to" rows={3} required />
      <div>
        <label htmlFor="policyKind" className="block font-medium">
          Governing document
        </label>
        <select id="policyKind" name="policyKind" className={inputClass} defaultValue="privacy">
          <option value="privacy">Privacy Policy</option>
          <option value="terms">Terms of Service</option>
        </select>
      </div>
      <TextField state={state} name="position" label="Position in lists" type="number" min={0} defaultValue={0} />
      <RequiredBox state={state} />
      <SubmitButton pendingText="Creating…">Create purpose</SubmitButton>
    </form>
  );
}

export function EditPurposeForm(props: {
  purpose: { key: string; title: string; description: string; required: boolean; position: number };
}) {
  const [state, action] = useActionState(updatePurposeAction, IDLE);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="key" value={props.purpose.key} />
      <TextField state={state} name="title" label="Title" required defaultValue={props.purpose.title} />
      <TextAreaField
        state={state}
        name="description"
        label="What the person agrees to"
        rows={4}
        required
        defaultValue={props.purpose.description}
      />
      <TextField
        state={state}
        name="position"
        label="Position in lists"
        type="number"
        min={0}
        defaultValue={props.purpose.position}
      />
      <RequiredBox state={state} defaultChecked={props.purpose.required} />
      <SubmitButton>Save changes</SubmitButton>
    </form>
  );
}

/** Retire (or, with no decisions yet, delete) — or reinstate a retired purpose. */
export function RetirePurposeForm(props: { purposeKey: string; retired: boolean; hasEvents: boolean }) {
  const [state, action] = useActionState(props.retired ? reinstatePurposeAction : retirePurposeAction, IDLE);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="key" value={props.purposeKey} />
      {props.retired ? (
        <SubmitButton variant="secondary" pendingText="Reinstating…">
          Reinstate
        </SubmitButton>
      ) : (
        <SubmitButton variant="danger" pendingText="Working…">
          {props.hasEvents ? "Retire" : "Delete"}
        </SubmitButton>
      )}
      <FormStatus state={state} />
    </form>
  );
}
