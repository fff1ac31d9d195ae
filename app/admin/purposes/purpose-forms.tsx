"use client";

import { useActionState } from "react";
import { CheckboxField, RadioGroup, SelectInput, TextArea, TextInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PolicyKindOptions } from "@/components/policy-kind-options";
import { PreservingForm } from "@/components/preserving-form";
import { SubmitButton } from "@/components/submit-button";
import { IDLE, type ActionState } from "@/lib/http/action-state";
import { createPurposeAction, updatePurposeAction, reinstatePurposeAction, retirePurposeAction } from "./actions";

function RequiredBox(props: { defaultChecked?: boolean; state: ActionState }) {
  return (
    <CheckboxField
      state={props.state}
      name="required"
      label="Required to use the service"
      hint="Everyone who has not agreed to a required purpose is sent through the consent gate at their next visit, and withdrawing it closes the account (see the withdrawal policy)."
      defaultChecked={props.defaultChecked}
    />
  );
}

function VerifiedEmailBox(props: { defaultChecked?: boolean; state: ActionState }) {
  return (
    <CheckboxField
      state={props.state}
      name="requiresVerifiedEmail"
      label="Needs a verified email address (double opt-in)"
      hint="For purposes we act on by email. Given by someone whose address is not verified yet, the consent waits until they follow the link Auth0 emails them. Applies to new decisions only."
      defaultChecked={props.defaultChecked}
    />
  );
}

export function CreatePurposeForm() {
  const [state, action] = useActionState(createPurposeAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <TextInput
        state={state}
        name="key"
        label="Key"
        required
        hint="Lower-case letters, digits and hyphens, e.g. newsletter. It appears in Auth0 metadata and never changes."
      />
      <TextInput state={state} name="title" label="Title" required />
      <TextArea state={state} name="description" label="What the person agrees to" rows={3} required />
      <SelectInput name="policyKind" label="Governing document" defaultValue="privacy">
        <PolicyKindOptions order={["privacy", "terms"]} />
      </SelectInput>
      <TextInput state={state} name="position" label="Position in lists" type="number" min={0} defaultValue={0} />
      <RequiredBox state={state} />
      <VerifiedEmailBox state={state} />
      <SubmitButton pendingText="Creating…">Create purpose</SubmitButton>
    </PreservingForm>
  );
}

export function EditPurposeForm(props: {
  purpose: {
    key: string;
    title: string;
    description: string;
    required: boolean;
    requiresVerifiedEmail: boolean;
    position: number;
  };
  /** The wording version being edited. */
  version: number;
  /** People who have the purpose granted now: who a new wording affects. */
  granted: number;
}) {
  const [state, action] = useActionState(updatePurposeAction, IDLE);
  const people = `${props.granted} ${props.granted === 1 ? "person has" : "people have"}`;
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="key" value={props.purpose.key} />
      <input type="hidden" name="fromVersion" value={props.version} />
      <TextInput state={state} name="title" label="Title" required defaultValue={props.purpose.title} />
      <TextArea
        state={state}
        name="description"
        label="What the person agrees to"
        rows={4}
        required
        defaultValue={props.purpose.description}
      />
      <div className="rounded-md border border-slate-300 p-4" data-testid="wording-change">
        <RadioGroup
          name="wordingChange"
          state={state}
          legend={`If you change the title or description: version ${props.version + 1}`}
          options={[
            {
              value: "editorial",
              label: "Editorial change",
              hint: `Spelling, clarity: the meaning is the same. ${people} it granted and keep their consent, given under version ${props.version}.`,
            },
            {
              value: "reconsent",
              label: "Requires re-consent",
              hint: `The meaning changed. ${people} it granted: each is asked again at the consent gate at their next visit${props.purpose.required ? " and cannot continue without agreeing" : "; an optional consent not renewed there ends"}.`,
            },
          ]}
        />
        <TextArea
          state={state}
          name="changeSummary"
          label="What changed (optional)"
          rows={2}
          hint="Shown to people at the consent gate and kept with the version."
          className="mt-4"
        />
      </div>
      <TextInput
        state={state}
        name="position"
        label="Position in lists"
        type="number"
        min={0}
        defaultValue={props.purpose.position}
      />
      <RequiredBox state={state} defaultChecked={props.purpose.required} />
      <VerifiedEmailBox state={state} defaultChecked={props.purpose.requiresVerifiedEmail} />
      <SubmitButton>Save changes</SubmitButton>
    </PreservingForm>
  );
}

/** Retire (or, with no decisions yet, delete) — or reinstate a retired purpose. */
export function RetirePurposeForm(props: { purposeKey: string; retired: boolean; hasEvents: boolean }) {
  const [state, action] = useActionState(props.retired ? reinstatePurposeAction : retirePurposeAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-3">
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
    </PreservingForm>
  );
}
