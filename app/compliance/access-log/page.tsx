import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/button-class";
import { SelectInput, TextInput } from "@/components/form-field";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { accessLogFilterSchema } from "@/lib/compliance/schemas";
import { viewAccessLog } from "@/lib/compliance/view-access-log";
import { fieldIssues } from "@/lib/http/validation";
import { ACCESS_ACTIONS } from "@/lib/ledger/schemas";
import type { AccessLogView } from "@/lib/compliance/view-access-log";
import { StaffName } from "@/components/staff-name";
import { firstValues, subjectHref } from "../format";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Access log" };

const ACTION_TEXT: Record<(typeof ACCESS_ACTIONS)[number], string> = {
  "subject.view": "Viewed a subject",
  "subject.search": "Searched",
  "subject.export": "Exported a subject's data",
  "ledger.verify": "Verified the ledger",
  "ledger.export": "Exported the ledger",
  "access_log.view": "Read the access log",
  "report.export": "Exported a report",
  "mgmt.read": "Read through the Management API proxy",
  "mgmt.write": "Changed through the Management API proxy",
  "api.consent.read": "API: read a person's consent",
  "api.consent.list": "API: listed people by purpose",
  "api.consent.write": "API: recorded decisions",
  "api.events.read": "API: read the change feed",
  "api.catalog.read": "API: read purposes or policies",
  "api.webhooks.read": "API: read webhook endpoints or deliveries",
  "api.webhooks.write": "API: changed a webhook endpoint",
  "api.consent.import": "API: imported legacy consent",
};

export default definePage(
  { role: "compliance", returnTo: "/compliance/access-log" },
  async function AccessLogPage({ actor, ...props }) {
    const params = firstValues(await props.searchParams);
    const parsed = accessLogFilterSchema.safeParse(params);
    const fieldErrors: Record<string, string> = {};
    let page: AccessLogView | null = null;
    if (parsed.success) page = await viewAccessLog(actor, parsed.data);
    else for (const issue of fieldIssues(parsed.error)) fieldErrors[issue.field] ??= issue.reason;

    const field = (name: string) => ({ name, defaultValue: params[name] ?? "", error: fieldErrors[name] });
    const olderHref = page?.nextCursor
      ? `/compliance/access-log?${new URLSearchParams({ ...params, cursor: page.nextCursor }).toString()}`
      : null;

    return (
      <section>
        <PageHeader
          title="Access log"
          intro="Every search, view and export by staff, newest first. It is append-only, and reading it is logged too."
        />
        <form
          method="get"
          action="/compliance/access-log"
          noValidate
          className="mt-6 grid grid-cols-1 gap-4 rounded-xl bg-white p-6 shadow-sm sm:grid-cols-3"
        >
          <TextInput {...field("actorId")} label="Who (staff email or Auth0 user id)" />
          <TextInput {...field("subjectId")} label="About whom (subject id)" />
          <SelectInput
            {...field("action")}
            label="What"
            emptyOption="Anything"
            options={ACCESS_ACTIONS.map((action) => ({ value: action, label: ACTION_TEXT[action] }))}
          />
          <TextInput {...field("from")} type="date" label="From" />
          <TextInput {...field("to")} type="date" label="Until (inclusive)" />
          <div className="flex items-end gap-4">
            <button type="submit" className={buttonClass("primary")}>
              Filter
            </button>
            <Link href="/compliance/access-log" className="font-medium text-blue-800 underline">
              Clear
            </Link>
          </div>
        </form>

        {page && (
          <section aria-labelledby="entries-heading" className="mt-8">
            <h2 id="entries-heading" className="text-xl font-semibold">
              Entries
            </h2>
            {page.entries.length === 0 ? (
              <p className="mt-3 text-slate-700">No entries match.</p>
            ) : (
              <ol className="mt-3 space-y-2">
                {page.entries.map((entry) => (
                  <li key={entry.id} className="rounded-lg bg-white p-3 text-sm shadow-sm" data-testid="access-entry">
                    <p>
                      <time dateTime={entry.at.toISOString()} className="text-slate-600">
                        {formatTime(entry.at)}
                      </time>{" "}
                      <StaffName id={entry.actorId} emails={page.staffEmails} /> ({entry.actorRole}){" "}
                      <strong data-testid="access-action">
                        {ACTION_TEXT[entry.action as keyof typeof ACTION_TEXT] ?? entry.action}
                      </strong>
                      {entry.subjectId && (
                        <>
                          {" "}
                          about{" "}
                          <Link
                            prefetch={false}
                            href={subjectHref(entry.subjectId)}
                            className="font-mono break-all text-blue-800 underline"
                          >
                            {entry.subjectId}
                          </Link>
                        </>
                      )}
                    </p>
                    {entry.detail !== null && (
                      <details className="mt-1">
                        <summary className="cursor-pointer text-slate-600">Details</summary>
                        <pre className="mt-1 rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap">
                          {JSON.stringify(entry.detail, null, 2)}
                        </pre>
                      </details>
                    )}
                  </li>
                ))}
              </ol>
            )}
            {olderHref && (
              <Link prefetch={false} href={olderHref} className="mt-4 inline-block font-medium text-blue-800 underline">
                Older entries
              </Link>
            )}
          </section>
        )}
      </section>
    );
  },
);
