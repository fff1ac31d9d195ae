"use client";

import { useState, type FormEvent } from "react";
import { buttonClass } from "@/components/button-class";
import { DataTable } from "@/components/data-table";
import { Notice } from "@/components/notice";
import type { LegacyImportReport } from "@/lib/imports/import-legacy-consents";

type State =
  | { kind: "idle" }
  | { kind: "uploading"; name: string }
  | { kind: "done"; name: string; report: LegacyImportReport }
  | { kind: "failed"; message: string };

/**
 * Sends the chosen file as the request body (the browser streams it; the route imports it line by
 * line) and shows the report. Not a server action: those bodies are buffered and capped at 2 MB.
 */
export function LegacyImportForm() {
  const [state, setState] = useState<State>({ kind: "idle" });

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0) {
      setState({ kind: "failed", message: "Choose an NDJSON file first." });
      return;
    }
    setState({ kind: "uploading", name: file.name });
    try {
      const response = await fetch("/admin/imports/upload", {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: file,
      });
      const body = (await response.json().catch(() => null)) as
        LegacyImportReport | { error?: { message?: string } } | null;
      if (!response.ok || !body || !("lines" in body)) {
        const message = body && "error" in body ? body.error?.message : undefined;
        setState({ kind: "failed", message: message ?? `The import failed (HTTP ${response.status}).` });
        return;
      }
      setState({ kind: "done", name: file.name, report: body });
    } catch {
      setState({ kind: "failed", message: "The upload was cut off. Send the file again: nothing is recorded twice." });
    }
  }

  return (
    <div className="space-y-4">
      <form onSubmit={(event) => void upload(event)} className="flex flex-wrap items-end gap-4">
        <label className="block">
          <span className="block font-medium text-slate-900">Auth0 users export (.ndjson, .json)</span>
          <input
            type="file"
            name="file"
            accept=".ndjson,.jsonl,.json,application/x-ndjson,application/json"
            className="mt-1 block text-sm"
          />
        </label>
        <button type="submit" className={buttonClass()} disabled={state.kind === "uploading"}>
          {state.kind === "uploading" ? "Importing…" : "Import"}
        </button>
      </form>
      {state.kind === "uploading" && (
        <Notice tone="info" role="status">
          Importing {state.name}…
        </Notice>
      )}
      {state.kind === "failed" && (
        <Notice tone="error" role="alert">
          {state.message}
        </Notice>
      )}
      {state.kind === "done" && <ImportReport name={state.name} report={state.report} />}
    </div>
  );
}

function ImportReport({ name, report }: { name: string; report: LegacyImportReport }) {
  return (
    <div className="space-y-4" data-testid="import-report">
      <Notice tone={report.rejectedCount > 0 ? "warning" : "success"} role="status">
        {name}: read {report.lines} users; {report.imported} imported ({report.events} events), {report.alreadyImported}{" "}
        already imported, {report.skippedCount} skipped, {report.rejectedCount} rejected.
      </Notice>
      {report.rejected.length > 0 && (
        <NoteTable caption="Rejected lines" notes={report.rejected} testId="rejected-line" />
      )}
      {report.skipped.length > 0 && <NoteTable caption="Skipped lines" notes={report.skipped} testId="skipped-line" />}
      {report.truncated && (
        <p className="text-sm text-slate-700">
          More lines than listed here; fix the first ones and upload again, or run <code>npm run import:auth0</code>.
        </p>
      )}
    </div>
  );
}

function NoteTable({
  caption,
  notes,
  testId,
}: {
  caption: string;
  notes: Array<{ line: number; reason: string }>;
  testId: string;
}) {
  return (
    <div>
      <h3 className="font-semibold text-slate-900">{caption}</h3>
      <DataTable
        className="mt-2"
        columns={[
          { header: "Line", className: "text-right", rowHeader: true, cell: (note) => note.line },
          { header: "Reason", cell: (note) => note.reason },
        ]}
        rows={notes}
        rowKey={(note) => `${note.line}`}
        rowProps={() => ({ "data-testid": testId })}
      />
    </div>
  );
}
