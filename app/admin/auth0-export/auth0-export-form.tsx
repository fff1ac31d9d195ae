"use client";

import { useActionState } from "react";
import { PreservingForm } from "@/components/preserving-form";
import { SelectInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { startAuth0ExportAction } from "./actions";

export function Auth0ExportForm() {
  const [state, action] = useActionState(startAuth0ExportAction, IDLE);
  return (
    <PreservingForm action={action} state={state} className="space-y-4">
      <SelectInput name="format" label="Format" defaultValue="csv" className="max-w-sm">
        <option value="csv">CSV</option>
        <option value="ndjson">NDJSON (Auth0&apos;s “json” export, one user per line)</option>
      </SelectInput>
      <SubmitButton pendingText="Starting…">Start an Auth0 export</SubmitButton>
      <FormStatus state={state} />
    </PreservingForm>
  );
}
