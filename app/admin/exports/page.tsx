import type { Metadata } from "next";
import { env } from "@/lib/env";
import { listExportJobs } from "@/lib/exports/read-export-jobs";
import { readAccessLog } from "@/lib/ledger/read-access-log";
import { listPurposes } from "@/lib/policies/list-purposes";
import { listPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ExportJobRow } from "../export-job-row";
import { formatTime, numberFormat } from "../format";
import { ExportForm, type ExportFormValues } from "./export-form";
import { toJobStatus } from "@/lib/exports/job-status";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Exports" };

const DATASETS: Record<string, string> = {
  consent_state: "Current consent state",
  consent_events: "Event history",
  auth0_users: "Auth0 users",
};
const DOCUMENTS = { terms: "Terms of Service", privacy: "Privacy Policy" } as const;

type Search = Partial<Record<keyof ExportFormValues | "large" | "invalid", string | string[]>>;
const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

export default definePage<Record<string, never>, Search>(
  { role: "admin", returnTo: "/admin/exports" },
  async function ExportsPage({ searchParams }) {
    const search = await searchParams;
    const [purposes, versions, jobs, log] = await Promise.all([
      listPurposes(undefined, { includeRetired: true }),
      listPolicyVersions(),
      listExportJobs(["consent_state", "consent_events"]),
      readAccessLog({ action: "report.export", limit: 15 }),
    ]);
    const values: ExportFormValues = {
      dataset: one(search.dataset) === "consent_events" ? "consent_events" : "consent_state",
      format: ["csv", "json", "ndjson"].includes(one(search.format)) ? one(search.format) : "csv",
      purpose: one(search.purpose),
      state: one(search.state),
      version: one(search.version),
      from: one(search.from),
      to: one(search.to),
    };
    const large = Number(one(search.large));
    const invalid = one(search.invalid);
    return (
      <section className="space-y-6">
        <div>
          <h1 className="text-2xl font-bold">Exports</h1>
          <p className="mt-1 max-w-prose text-slate-700">
            Proof of consent as files: streamed straight from the ledger, so even millions of rows do not strain the
            server.
          </p>
        </div>
        {invalid && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
            Please correct the filters: {invalid}.
          </p>
        )}
        {large > 0 && (
          <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
            This export has {numberFormat.format(large)} rows, more than can be downloaded at once. Run it as a
            background job: the filters are filled in below.
          </p>
        )}
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <ExportForm
            values={values}
            purposes={purposes.map((purpose) => ({
              key: purpose.key,
              title: purpose.title,
              retired: purpose.retiredAt !== null,
            }))}
            versions={versions.map((version) => ({
              id: version.id,
              label: `${DOCUMENTS[version.kind]} version ${version.version}`,
            }))}
            directMaxRows={env().EXPORT_DIRECT_MAX_ROWS}
          />
        </div>
        <section aria-labelledby="jobs-heading" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="jobs-heading" className="text-lg font-semibold">
            Background exports
          </h2>
          <p className="mt-1 text-sm text-slate-600">Files are kept for 7 days.</p>
          {jobs.length === 0 ? (
            <p className="mt-2 text-slate-700">None yet.</p>
          ) : (
            <ul className="mt-3 space-y-3">
              {jobs.map((job) => (
                <ExportJobRow
                  key={job.id}
                  initial={toJobStatus(job)}
                  label={`${DATASETS[job.dataset]} · ${job.format.toUpperCase()}${
                    Object.keys(job.filters).length
                      ? ` · ${Object.entries(job.filters)
                          .map(([key, value]) => `${key} ${value}`)
                          .join(", ")}`
                      : ""
                  }`}
                  statusUrl={`/admin/exports/jobs/${job.id}`}
                  downloadUrl={`/admin/exports/jobs/${job.id}/download`}
                  downloadLabel={`Download ${job.format.toUpperCase()}`}
                />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="log-heading" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="log-heading" className="text-lg font-semibold">
            Recent exports in the access log
          </h2>
          {log.entries.length === 0 && <p className="mt-2 text-slate-700">None yet.</p>}
          <ol className="mt-3 space-y-1 text-sm" data-testid="export-log">
            {log.entries.map((entry) => {
              const detail = (entry.detail ?? {}) as {
                dataset?: string;
                format?: string;
                mode?: string;
                rows?: number;
              };
              return (
                <li key={entry.id}>
                  {formatTime(entry.at)}: {entry.actorId} — {DATASETS[detail.dataset ?? ""] ?? detail.dataset},{" "}
                  {detail.format?.toUpperCase()}, {detail.mode}
                  {typeof detail.rows === "number" ? `, ${numberFormat.format(detail.rows)} rows` : ""}
                </li>
              );
            })}
          </ol>
        </section>
      </section>
    );
  },
);
