"use client";

import { useActionState } from "react";
import { CheckboxField } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PurposeCheckboxes } from "@/components/purpose-checkboxes";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { acceptGate } from "./actions";

export function ConsentGateForm(props: {
  idempotencyKey: string;
  returnTo: string;
  policyVersionIds: string[];
  purposeVersionIds: string[];
  documents: string[];
  renewing: Array<{ key: string; title: string; description: string }>;
  leaveHref: string;
}) {
  const [state, action] = useActionState(acceptGate, IDLE);
  return (
    <form action={action} className="space-y-5">
      <FormStatus state={state} />
      <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
      <input type="hidden" name="returnTo" value={props.returnTo} />
      {props.policyVersionIds.map((id) => (
        <input key={id} type="hidden" name="policyVersionIds" value={id} />
      ))}
      {props.purposeVersionIds.map((id) => (
        <input key={id} type="hidden" name="purposeVersionIds" value={id} />
      ))}
      <CheckboxField
        state={state}
        name="accept"
        label={<>I have read and accept the {props.documents.join(" and the ")}.</>}
      />
      {props.renewing.length > 0 && (
        <fieldset className="rounded-md border border-slate-300 p-4">
          <legend className="px-1 font-semibold">Optional: agree again under the new terms or wording</legend>
          <p className="mb-3 text-sm text-slate-600">
            You agreed to these under a previous version. Leave a box empty and that consent ends.
          </p>
          <PurposeCheckboxes name="keep" purposes={props.renewing} />
        </fieldset>
      )}
      <div className="flex flex-wrap items-center gap-4">
        <SubmitButton pendingText="Recording…">Accept and continue</SubmitButton>
        <a href={props.leaveHref} className="font-medium text-red-800 underline">
          I do not accept: withdraw and leave
        </a>
      </div>
    </form>
  );
}
