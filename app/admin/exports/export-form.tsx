"use client";

import { useActionState, useTransition } from "react";
import { buttonClass } from "@/components/button-class";
import { RadioGroup, SelectInput, TextInput } from "@/components/form-field";
import { FormStatus } from "@/components/form-status";
import { PendingButton } from "@/components/submit-button";
import { IDLE } from "@/lib/http/action-state";
import { numberFormat } from "../format";
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

const DATASETS = [
  { value: "consent_state", label: "Current consent state", hint: "One row per person and purpose." },
  { value: "consent_events", label: "Full event history", hint: "Every decision, with its hash chain." },
];

/**
 * The filters of an export. "Download" is a plain GET to the download route (the browser saves
 * the streamed file); "Run as a background job" posts the same fields to a server action.
 */
const DOWNLOAD_BUTTON_ID = "export-download";

export function ExportForm(props: {
  values: ExportFormValues;
  purposes: Array<{ key: string; title: string; retired: boolean }>;
  versions: Array<{ id: string; label: string }>;
  directMaxRows: number;
}) {
  const [state, startJob] = useActionState(startExportJobAction, IDLE);
  const [jobPending, startTransition] = useTransition();
  const { values } = props;
  return (
    <form
      action="/admin/exports/download"
      method="get"
      className="space-y-5"
      onSubmit={(event) => {
        const submitter = event.nativeEvent.submitter;
        if (!submitter || submitter.id === DOWNLOAD_BUTTON_ID) return; // a download: the browser's own GET
        // A background job: dispatched in a transition so React does not reset the chosen filters.
        event.preventDefault();
        const data = new FormData(event.currentTarget, submitter);
        startTransition(() => startJob(data));
      }}
    >
      <RadioGroup name="dataset" legend="What to export" options={DATASETS} defaultValue={values.dataset} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <SelectInput name="format" label="Format" defaultValue={values.format}>
          <option value="csv">CSV (spreadsheets)</option>
          <option value="json">JSON (one document)</option>
          <option value="ndjson">NDJSON (one JSON object per line)</option>
        </SelectInput>
        <SelectInput
          name="purpose"
          label="Purpose"
          defaultValue={values.purpose}
          emptyOption="All purposes"
          options={props.purposes.map((purpose) => ({
            value: purpose.key,
            label: `${purpose.title}${purpose.retired ? " (retired)" : ""}`,
          }))}
        />
        <SelectInput name="state" label="State or action" defaultValue={values.state}>
          <option value="">Any</option>
          <option value="granted">Granted</option>
          <option value="withdrawn">Withdrawn</option>
          <option value="erased">Erased (event history only)</option>
        </SelectInput>
        <SelectInput
          name="version"
          label="Policy version"
          defaultValue={values.version}
          emptyOption="Any version"
          options={props.versions.map((version) => ({ value: version.id, label: version.label }))}
        />
        <TextInput state={state} name="from" label="From (UTC)" type="date" defaultValue={values.from} />
        <TextInput state={state} name="to" label="To (UTC, inclusive)" type="date" defaultValue={values.to} />
      </div>
      <p className="text-sm text-slate-600">
        The date range applies to the time of the decision (current state: its last change). Up to{" "}
        {numberFormat.format(props.directMaxRows)} rows download at once; larger exports run as a background job. Every
        export is written to the access log. Exports name people by their pseudonymous subject id only.
      </p>
      <div className="flex flex-wrap gap-3">
        <button id={DOWNLOAD_BUTTON_ID} type="submit" className={buttonClass("primary")}>
          Download
        </button>
        <PendingButton variant="secondary" formAction={startJob} pending={jobPending} pendingText="Starting…">
          Run as a background job
        </PendingButton>
      </div>
      <FormStatus state={state} />
    </form>
  );
}
