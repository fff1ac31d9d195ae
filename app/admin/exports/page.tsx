import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { Notice } from "@/components/notice";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { policyVersionLabel } from "@/components/policy-kind";
import { env } from "@/lib/env";
import { listExportJobs } from "@/lib/exports/read-export-jobs";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { StaffName } from "@/components/staff-name";
import { readAccessLog } from "@/lib/ledger/read-access-log";
import { listPurposes } from "@/lib/policies/list-purposes";
import { listPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ExportJobList } from "../export-job-list";
import { numberFormat } from "../format";
import { ExportForm, type ExportFormValues } from "./export-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Exports" };

const DATASETS: Record<string, string> = {
  consent_state: "Current consent state",
  consent_events: "Event history",
  auth0_users: "Auth0 users",
};

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
    const emails = await readStaffEmails(log.entries.map((entry) => entry.actorId));
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
        <PageHeader
          title="Exports"
          intro="Proof of consent as files: streamed straight from the ledger, so even millions of rows do not strain the server."
        />
        {invalid && (
          <Notice tone="error" role="alert">
            Please correct the filters: {invalid}.
          </Notice>
        )}
        {large > 0 && (
          <Notice tone="warning" role="alert">
            This export has {numberFormat.format(large)} rows, more than can be downloaded at once. Run it as a
            background job: the filters are filled in below.
          </Notice>
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
              label: policyVersionLabel(version),
            }))}
            directMaxRows={env().EXPORT_DIRECT_MAX_ROWS}
          />
        </div>
        <Panel id="jobs" title="Background exports" description="Files are kept for 7 days.">
          <ExportJobList
            jobs={jobs}
            basePath="/admin/exports/jobs"
            label={(job) =>
              [
                DATASETS[job.dataset],
                job.format.toUpperCase(),
                ...(Object.keys(job.filters).length
                  ? [
                      Object.entries(job.filters)
                        .map(([key, value]) => `${key} ${value}`)
                        .join(", "),
                    ]
                  : []),
              ].join(" · ")
            }
          />
        </Panel>
        <Panel id="log" title="Recent exports in the access log">
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
                  {formatTime(entry.at)}: <StaffName id={entry.actorId} emails={emails} /> —{" "}
                  {DATASETS[detail.dataset ?? ""] ?? detail.dataset}, {detail.format?.toUpperCase()}, {detail.mode}
                  {typeof detail.rows === "number" ? `, ${numberFormat.format(detail.rows)} rows` : ""}
                </li>
              );
            })}
          </ol>
        </Panel>
      </section>
    );
  },
);
