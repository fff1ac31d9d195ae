"use client";

import { useActionState } from "react";
import { TextAreaField, TextField, inputClass, invalidProps } from "@/components/form-field";
import { FieldError, FormStatus } from "@/components/form-status";
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
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      {draft.id && <input type="hidden" name="id" value={draft.id} />}
      <div>
        <label htmlFor="kind" className="block font-medium">
          Document
        </label>
        <select id="kind" name="kind" className={inputClass} defaultValue={draft.kind} {...invalidProps(state, "kind")}>
          <option value="terms">Terms of Service</option>
          <option value="privacy">Privacy Policy</option>
        </select>
        <FieldError state={state} name="kind" />
      </div>
      <TextField
        state={state}
        name="version"
        label="Version label"
        required
        defaultValue={draft.version}
        hint="Shown to people, e.g. 2 or 2026-11. Unique per document."
      />
      <TextField state={state} name="title" label="Title" required defaultValue={draft.title} />
      <TextField
        state={state}
        name="url"
        label="Address (optional)"
        defaultValue={draft.url}
        hint="Leave empty to publish it on the portal at /policies/<document>/<version>."
      />
      <TextAreaField
        state={state}
        name="text"
        label="Text"
        rows={16}
        required
        defaultValue={draft.text}
        className={`${inputClass} font-mono text-sm`}
      />
      <SubmitButton pendingText="Saving…">Save draft</SubmitButton>
    </form>
  );
}

export function PublishDraftForm(props: { id: string; textSha256: string; label: string }) {
  const [state, action] = useActionState(publishDraftAction, IDLE);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="id" value={props.id} />
      <input type="hidden" name="textSha256" value={props.textSha256} />
      <div>
        <div className="flex items-start gap-3">
          <input
            id="requiresReconsent"
            name="requiresReconsent"
            type="checkbox"
            className="mt-1 h-5 w-5"
            aria-describedby="requiresReconsent-hint"
          />
          <label htmlFor="requiresReconsent" className="font-medium">
            Requires re-consent
          </label>
        </div>
        <p id="requiresReconsent-hint" className="mt-1 text-sm text-slate-600">
          Everyone who agreed to an earlier version is sent through the consent gate at their next visit and must agree
          to this one to continue. Leave it unticked for changes that do not affect people&apos;s rights.
        </p>
      </div>
      <div>
        <div className="flex items-start gap-3">
          <input
            id="confirm"
            name="confirm"
            type="checkbox"
            className="mt-1 h-5 w-5"
            {...invalidProps(state, "confirm")}
          />
          <label htmlFor="confirm">
            I have read the preview. Once published, this text and its SHA-256 can never be changed.
          </label>
        </div>
        <FieldError state={state} name="confirm" />
      </div>
      <SubmitButton pendingText="Publishing…">Publish {props.label}</SubmitButton>
    </form>
  );
}

export function DeleteDraftForm({ id }: { id: string }) {
  const [state, action] = useActionState(deleteDraftAction, IDLE);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="id" value={id} />
      <SubmitButton variant="secondary" pendingText="Discarding…">
        Discard this draft
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
