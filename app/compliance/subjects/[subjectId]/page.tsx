import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsentStatusBadge } from "@/components/consent-status-badge";
import { DataTable } from "@/components/data-table";
import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import { Panel } from "@/components/panel";
import { policyVersionLabel } from "@/components/policy-kind";
import { hasRole } from "@/lib/auth/roles";
import { readSubjectAudit, type SubjectAudit } from "@/lib/compliance/read-subject-audit";
import { isAppError } from "@/lib/errors";
import { Auth0Comparison } from "./auth0-comparison";
import { ChainBadge } from "./chain-badge";
import { HistoryEntry } from "./history-entry";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { RecordOnBehalfForm } from "./record-on-behalf-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Subject audit trail" };

export default definePage<{ subjectId: string }>(
  { role: "compliance", returnTo: ({ subjectId }) => `/compliance/subjects/${subjectId}` },
  async function SubjectAuditPage({ actor, ...props }) {
    const { subjectId } = await props.params;
    let audit: SubjectAudit;
    try {
      audit = await readSubjectAudit(actor, subjectId);
    } catch (error) {
      if (isAppError(error, "not_found")) notFound();
      throw error;
    }
    const { subject, status, chain } = audit;
    const staffEmails = await readStaffEmails(
      audit.history.filter((event) => event.actorType === "staff").map((event) => event.actorId),
    );
    const policyVersionIds = Object.values(status.currentPolicies).flatMap((version) => (version ? [version.id] : []));

    return (
      <section className="space-y-8">
        <header>
          <p className="text-sm text-slate-600">Subject audit trail</p>
          <h1 className="text-2xl font-bold break-all">{subject.email ?? "Erased subject"}</h1>
          <DefinitionList
            className="mt-3"
            items={[
              { term: "Subject id", value: subject.id, mono: true, testId: "subject-id" },
              { term: "Name", value: subject.name ?? "—" },
              { term: "Auth0 user id", value: subject.auth0UserId ?? "—", mono: true },
              { term: "In the ledger since", value: formatTime(subject.createdAt) },
              subject.erasedAt && {
                term: "Erased",
                value: `${formatTime(subject.erasedAt)}: personal data destroyed; the chain stays verifiable.`,
              },
            ]}
          />
          <div className="mt-4 flex flex-wrap items-center gap-4">
            <ChainBadge chain={chain} />
            <a
              href={`/compliance/subjects/${subject.id}/export`}
              download
              className="text-sm font-medium text-blue-800 underline"
            >
              Export this audit trail (JSON)
            </a>
          </div>
        </header>

        <Panel id="state" title="Current consent">
          <DataTable
            density="compact"
            className="mt-3"
            columns={[
              {
                header: "Purpose",
                cell: (row) => (
                  <>
                    {row.purpose.title}
                    {row.purpose.required && <span className="text-slate-600"> (required)</span>}
                  </>
                ),
              },
              {
                header: "State",
                cell: (row) => (
                  <>
                    <ConsentStatusBadge status={row.status} />
                    {row.needsReconsent && <span className="ml-2 text-amber-900">needs re-consent</span>}
                  </>
                ),
              },
              {
                header: "Under",
                cell: (row) => (
                  <>
                    {row.policyVersion ? policyVersionLabel(row.policyVersion, "short") : "—"}
                    {row.decidedWording && (
                      <span className="block text-slate-600">wording version {row.decidedWording.version}</span>
                    )}
                  </>
                ),
              },
              { header: "Since", cell: (row) => formatTime(row.updatedAt) },
            ]}
            rows={status.purposes}
            rowKey={(row) => row.purpose.key}
            rowProps={(row) => ({ "data-testid": `state-${row.purpose.key}` })}
          />
        </Panel>

        <Auth0Comparison audit={audit} />

        {!status.erased && (
          <Panel
            id="record"
            title="Record a decision received outside the portal"
            description="A consent or withdrawal given on paper, by phone or by email is recorded with method “staff”, your name and your reason. A consent is recorded under the versions in force now."
          >
            <div className="mt-4">
              <RecordOnBehalfForm
                subjectId={subject.id}
                purposes={status.purposes.map((row) => ({
                  key: row.purpose.key,
                  title: row.purpose.title,
                  required: row.purpose.required,
                }))}
                policyVersionIds={policyVersionIds}
                idempotencyKey={randomUUID()}
                canRecord={hasRole(actor.roles, "admin")}
              />
            </div>
          </Panel>
        )}

        <section aria-labelledby="history-heading">
          <h2 id="history-heading" className="text-xl font-semibold">
            Full history ({audit.history.length} {audit.history.length === 1 ? "event" : "events"}, oldest first)
          </h2>
          {audit.history.length === 0 ? (
            <p className="mt-3 text-slate-700">No decisions recorded.</p>
          ) : (
            <ol className="mt-3 space-y-3">
              {audit.history.map((event) => (
                <HistoryEntry
                  key={event.id}
                  event={event}
                  subjectId={subject.id}
                  brokenHere={chain.firstBroken?.seq === event.seq}
                  staffEmails={staffEmails}
                />
              ))}
            </ol>
          )}
        </section>
      </section>
    );
  },
);
