"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { inputClass } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { IDLE } from "@/lib/http/action-state";
import { startExportJobAction } from "./actions";

export interface ExportFormValues {
  dataset: string;
  format: string;
  purpose: string;
  state: string;
  version: string;
  from: string;
  to: string;
}

/** Posts the form's fields to the job action instead of the form's own GET. */
function JobButton({ action }: { action: (formData: FormData) => void }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      formAction={action}
      disabled={pending}
      aria-disabled={pending}
      className="rounded-md border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-900 hover:bg-slate-100 disabled:opacity-60"
    >
      {pending ? "Starting…" : "Run as a background job"}
    </button>
  );
}

/**
 * The filters of an export. "Download" is a plain GET to the download route (the browser saves
 * the streamed file); "Run as a background job" posts the same fields to a server action.
 */
export function ExportForm(props: {
  values: ExportFormValues;
  purposes: Array<{ key: string; title: string; retired: boolean }>;
  versions: Array<{ id: string; label: string }>;
  directMaxRows: number;
}) {
  const [state, startJob] = useActionState(startExportJobAction, IDLE);
  const { values } = props;
  return (
    <form action="/admin/exports/download" method="get" className="space-y-5">
      <fieldset>
        <legend className="font-semibold">What to export</legend>
        <div className="mt-2 space-y-2">
          {[
            { value: "consent_state", label: "Current consent state", hint: "one row per person and purpose" },
            { value: "consent_events", label: "Full event history", hint: "every decision, with its hash chain" },
          ].map((option) => (
            <div key={option.value} className="flex items-start gap-3">
              <input
                id={`dataset-${option.value}`}
                type="radio"
                name="dataset"
                value={option.value}
                defaultChecked={values.dataset === option.value}
                className="mt-1 h-5 w-5"
              />
              <label htmlFor={`dataset-${option.value}`}>
                <span className="font-medium">{option.label}</span>{" "}
                <span className="text-sm text-slate-600">({option.hint})</span>
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="format" className="block font-medium">
            Format
          </label>
          <select id="format" name="format" defaultValue={values.format} className={inputClass}>
            <option value="csv">CSV (spreadsheets)</option>
            <option value="json">JSON (one document)</option>
            <option value="ndjson">NDJSON (one JSON object per line)</option>
          </select>
        </div>
        <div>
          <label htmlFor="purpose" className="block font-medium">
            Purpose
          </label>
          <select id="purpose" name="purpose" defaultValue={values.purpose} className={inputClass}>
            <option value="">All purposes</option>
            {props.purposes.map((purpose) => (
              <option key={purpose.key} value={purpose.key}>
                {purpose.title}
                {purpose.retired ? " (retired)" : ""}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="state" className="block font-medium">
            State or action
          </label>
          <select id="state" name="state" defaultValue={values.state} className={inputClass}>
            <option value="">Any</option>
            <option value="granted">Granted</option>
            <option value="withdrawn">Withdrawn</option>
            <option value="erased">Erased (event history only)</option>
          </select>
        </div>
        <div>
          <label htmlFor="version" className="block font-medium">
            Policy version
          </label>
          <select id="version" name="version" defaultValue={values.version} className={inputClass}>
            <option value="">Any version</option>
            {props.versions.map((version) => (
              <option key={version.id} value={version.id}>
                {version.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="from" className="block font-medium">
            From (UTC)
          </label>
          <input id="from" name="from" type="date" defaultValue={values.from} className={inputClass} />
        </div>
        <div>
          <label htmlFor="to" className="block font-medium">
            To (UTC, inclusive)
          </label>
          <input id="to" name="to" type="date" defaultValue={values.to} className={inputClass} />
        </div>
      </div>
      <p className="text-sm text-slate-600">
        The date range applies to the time of the decision (current state: its last change). Up to{" "}
        {new Intl.NumberFormat("en-GB").format(props.directMaxRows)} rows download at once; larger exports run as a
        background job. Every export is written to the access log. Exports name people by their pseudonymous subject id
        only.
      </p>
      <div className="flex flex-wrap gap-3">
        <button type="submit" className="rounded-md bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800">
          Download
        </button>
        <JobButton action={startJob} />
      </div>
      <FormStatus state={state} />
    </form>
  );
}
