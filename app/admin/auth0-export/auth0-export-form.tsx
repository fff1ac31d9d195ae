"use client";

import { useActionState } from "react";
import { inputClass } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { startAuth0ExportAction } from "./actions";

export function Auth0ExportForm() {
  const [state, action] = useActionState(startAuth0ExportAction, IDLE);
  return (
    <form action={action} className="space-y-4">
      <div className="max-w-sm">
        <label htmlFor="format" className="block font-medium">
          Format
        </label>
        <select id="format" name="format" defaultValue="csv" className={inputClass}>
          <option value="csv">CSV</option>
          <option value="ndjson">NDJSON (Auth0&apos;s “json” export, one user per line)</option>
        </select>
      </div>
      <SubmitButton pendingText="Starting…">Start an Auth0 export</SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
