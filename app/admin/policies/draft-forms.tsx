"use client";

import { useActionState } from "react";
import { PreservingForm } from "@/components/preserving-form";
import { CheckboxField, SelectInput, TextArea, TextInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PolicyKindOptions } from "@/components/policy-kind-options";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { deleteDraftAction, publishDraftAction, saveDraftAction } from "./actions";

export interface DraftValues {
  id?: string;
  kind: "terms" | "privacy";
  version: string;
  title: string;
  url: string;
  text: string;
}

export function DraftForm({ draft }: { draft: DraftValues }) {
  const [state, action] = useActionState(saveDraftAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      {draft.id && <input type="hidden" name="id" value={draft.id} />}
      <SelectInput state={state} name="kind" label="Document" defaultValue={draft.kind}>
        <PolicyKindOptions />
      </SelectInput>
      <TextInput
        state={state}
        name="version"
        label="Version label"
        required
        defaultValue={draft.version}
        hint="Shown to people, e.g. 2 or 2026-11. Unique per document."
      />
      <TextInput state={state} name="title" label="Title" required defaultValue={draft.title} />
      <TextInput
        state={state}
        name="url"
        label="Address (optional)"
        defaultValue={draft.url}
        hint="Leave empty to publish it on the portal at /policies/<document>/<version>."
      />
      <TextArea
        state={state}
        name="text"
        label="Text"
        rows={16}
        required
        defaultValue={draft.text}
        inputClassName="font-mono text-sm"
      />
      <SubmitButton pendingText="Saving…">Save draft</SubmitButton>
    </PreservingForm>
  );
}

export function PublishDraftForm(props: { id: string; textSha256: string; label: string }) {
  const [state, action] = useActionState(publishDraftAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="id" value={props.id} />
      <input type="hidden" name="textSha256" value={props.textSha256} />
      <CheckboxField
        name="requiresReconsent"
        label="Requires re-consent"
        hint="Everyone who agreed to an earlier version is sent through the consent gate at their next visit and must agree to this one to continue. Leave it unticked for changes that do not affect people's rights."
      />
      <TextArea
        state={state}
        name="changeSummary"
        label="What changed"
        rows={3}
        hint="A few plain sentences. Required with re-consent: the consent gate shows this first, then the text with the changes marked."
      />
      <CheckboxField
        state={state}
        name="confirm"
        label="I have read the preview. Once published, this text and its SHA-256 can never be changed."
      />
      <SubmitButton pendingText="Publishing…">Publish {props.label}</SubmitButton>
    </PreservingForm>
  );
}

export function DeleteDraftForm({ id }: { id: string }) {
  const [state, action] = useActionState(deleteDraftAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <SubmitButton variant="secondary" pendingText="Discarding…">
        Discard this draft
      </SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
