import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConsentStatusBadge } from "@/components/consent-status-badge";
import { hasRole } from "@/lib/auth/roles";
import { readSubjectAudit, type AuditEvent, type SubjectAudit } from "@/lib/compliance/read-subject-audit";
import { isAppError } from "@/lib/errors";
import { METHOD_TEXT, POLICY_TITLES, utc } from "../../format";
import { RecordOnBehalfForm } from "./record-on-behalf-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Subject audit trail" };

const ACTION_TEXT = { granted: "Consent given", withdrawn: "Consent withdrawn", erased: "Subject erased" } as const;

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
    const policyVersionIds = Object.values(status.currentPolicies).flatMap((version) => (version ? [version.id] : []));

    return (
      <section className="space-y-8">
        <header>
          <p className="text-sm text-slate-600">Subject audit trail</p>
          <h1 className="text-2xl font-bold break-all">{subject.email ?? "Erased subject"}</h1>
          <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-600">Subject id</dt>
            <dd className="font-mono break-all" data-testid="subject-id">
              {subject.id}
            </dd>
            <dt className="text-slate-600">Name</dt>
            <dd>{subject.name ?? "—"}</dd>
            <dt className="text-slate-600">Auth0 user id</dt>
            <dd className="font-mono break-all">{subject.auth0UserId ?? "—"}</dd>
            <dt className="text-slate-600">In the ledger since</dt>
            <dd>{utc(subject.createdAt)}</dd>
            {subject.erasedAt && (
              <>
                <dt className="text-slate-600">Erased</dt>
                <dd>{utc(subject.erasedAt)}: personal data destroyed; the chain stays verifiable.</dd>
              </>
            )}
          </dl>
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

        <section aria-labelledby="state-heading" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="state-heading" className="text-xl font-semibold">
            Current consent
          </h2>
          <table className="mt-3 w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th scope="col" className="py-1 pr-3 font-medium">
                  Purpose
                </th>
                <th scope="col" className="py-1 pr-3 font-medium">
                  State
                </th>
                <th scope="col" className="py-1 pr-3 font-medium">
                  Under
                </th>
                <th scope="col" className="py-1 font-medium">
                  Since
                </th>
              </tr>
            </thead>
            <tbody>
              {status.purposes.map((row) => (
                <tr
                  key={row.purpose.key}
                  className="border-b border-slate-100"
                  data-testid={`state-${row.purpose.key}`}
                >
                  <td className="py-1 pr-3">
                    {row.purpose.title}
                    {row.purpose.required && <span className="text-slate-600"> (required)</span>}
                  </td>
                  <td className="py-1 pr-3">
                    <ConsentStatusBadge status={row.status} />
                    {row.needsReconsent && <span className="ml-2 text-amber-900">needs re-consent</span>}
                  </td>
                  <td className="py-1 pr-3">
                    {row.policyVersion ? `${POLICY_TITLES[row.policyVersion.kind]} v${row.policyVersion.version}` : "—"}
                  </td>
                  <td className="py-1">{utc(row.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <Auth0Comparison audit={audit} />

        {!status.erased && (
          <section aria-labelledby="record-heading" className="rounded-xl bg-white p-6 shadow-sm">
            <h2 id="record-heading" className="text-xl font-semibold">
              Record a decision received outside the portal
            </h2>
            <p className="mt-1 mb-4 max-w-prose text-sm text-slate-700">
              A consent or withdrawal given on paper, by phone or by email is recorded with method “staff”, your name
              and your reason. A consent is recorded under the versions in force now.
            </p>
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
          </section>
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
                />
              ))}
            </ol>
          )}
        </section>
      </section>
    );
  },
);

function ChainBadge({ chain }: { chain: SubjectAudit["chain"] }) {
  return chain.ok ? (
    <p
      data-testid="chain-badge"
      className="inline-block rounded-full bg-green-100 px-3 py-1 text-sm font-semibold text-green-900"
    >
      ✔ Chain verified ({chain.events} {chain.events === 1 ? "event" : "events"})
    </p>
  ) : (
    <p
      data-testid="chain-badge"
      role="alert"
      className="inline-block rounded-full bg-red-100 px-3 py-1 text-sm font-semibold text-red-900"
    >
      ✖ Chain broken at event {chain.firstBroken?.seq}: {chain.firstBroken?.message}
    </p>
  );
}

function Auth0Comparison({ audit }: { audit: SubjectAudit }) {
  const side = audit.auth0;
  return (
    <section aria-labelledby="auth0-heading" className="rounded-xl bg-white p-6 shadow-sm">
      <h2 id="auth0-heading" className="text-xl font-semibold">
        Auth0 profile next to the ledger
      </h2>
      <p className="mt-1 max-w-prose text-sm text-slate-700">
        Auth0 keeps <code>user_metadata.consent</code> as a copy of the ledger. The ledger is the proof; any difference
        is shown here.
      </p>
      {audit.pendingSync > 0 && (
        <p className="mt-3 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-950">
          {audit.pendingSync} {audit.pendingSync === 1 ? "change is" : "changes are"} waiting to be delivered to Auth0:
          differences are expected until then.
        </p>
      )}
      {side.state === "no_account" && (
        <p className="mt-3 text-slate-700">This subject has no Auth0 account (any more).</p>
      )}
      {side.state === "not_found" && (
        <p className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          Auth0 has no user {audit.subject.auth0UserId}: it was deleted in Auth0.
        </p>
      )}
      {side.state === "unreachable" && (
        <p role="alert" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          {side.message}
        </p>
      )}
      {side.state === "found" && (
        <>
          <p className="mt-3 font-medium" data-testid="metadata-summary">
            {side.comparison.differences === 0
              ? "Auth0 matches the ledger."
              : `${side.comparison.differences} ${side.comparison.differences === 1 ? "difference" : "differences"} between Auth0 and the ledger.`}
            {side.comparison.auth0Shape === "legacy" && " Auth0 holds the legacy shape (given, date, text_details)."}
            {side.person.flaggedDeleted && " The Auth0 user is flagged as deleted (sign-in refused)."}
          </p>
          {side.comparison.rows.length > 0 && (
            <table className="mt-3 w-full table-fixed text-left text-sm">
              <caption className="sr-only">user_metadata.consent, field by field</caption>
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th scope="col" className="w-1/4 py-1 pr-3 font-medium">
                    Field
                  </th>
                  <th scope="col" className="py-1 pr-3 font-medium">
                    Ledger
                  </th>
                  <th scope="col" className="py-1 pr-3 font-medium">
                    Auth0
                  </th>
                  <th scope="col" className="w-24 py-1 font-medium">
                    Check
                  </th>
                </tr>
              </thead>
              <tbody>
                {side.comparison.rows.map((row) => (
                  <tr
                    key={row.field}
                    className={`border-b border-slate-100 ${row.same ? "" : "bg-amber-50"}`}
                    data-testid={`metadata-${row.field}`}
                  >
                    <th scope="row" className="py-1 pr-3 font-mono font-normal break-all">
                      {row.field}
                    </th>
                    <td className="py-1 pr-3 break-all">{row.ledger}</td>
                    <td className="py-1 pr-3 break-all">{row.auth0}</td>
                    <td className="py-1 font-semibold">{row.same ? "Same" : "Differs"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function HistoryEntry({ event, subjectId, brokenHere }: { event: AuditEvent; subjectId: string; brokenHere: boolean }) {
  return (
    <li
      className={`rounded-xl bg-white p-4 shadow-sm ${brokenHere ? "border-2 border-red-600" : ""}`}
      data-testid="audit-event"
    >
      <p className="font-semibold">
        #{event.seq} {ACTION_TEXT[event.action]}
        {event.purposeTitle && <> — {event.purposeTitle}</>}
        {brokenHere && <span className="ml-2 text-red-800">(the chain breaks here)</span>}
      </p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">Recorded</dt>
        <dd>
          {utc(event.serverTime)}
          {event.clientTime && <> (device time {utc(event.clientTime)})</>}
        </dd>
        <dt className="text-slate-600">Under</dt>
        <dd>{event.policy ? `${event.policy.title} version ${event.policy.version}` : "—"}</dd>
        <dt className="text-slate-600">Text SHA-256</dt>
        <dd className="font-mono text-xs break-all">{event.policyTextSha256 ?? "—"}</dd>
        <dt className="text-slate-600">How</dt>
        <dd>
          {METHOD_TEXT[event.method]} ({event.method})
        </dd>
        <dt className="text-slate-600">By</dt>
        <dd className="break-all">
          {event.actorType === "self" ? "the person" : `${event.actorType} ${event.actorId ?? ""}`}
          {event.actorReason && <> — reason: {event.actorReason}</>}
        </dd>
        {event.ipTruncated && (
          <>
            <dt className="text-slate-600">Network</dt>
            <dd>{event.ipTruncated}</dd>
          </>
        )}
        <dt className="text-slate-600">Hash</dt>
        <dd className="font-mono text-xs break-all">{event.hash}</dd>
      </dl>
      {event.action !== "erased" && (
        <a
          className="mt-2 inline-block text-sm font-medium text-blue-800 underline"
          href={`/compliance/subjects/${subjectId}/receipts/${event.id}`}
          download
        >
          Download receipt<span className="sr-only"> for event {event.seq}</span> (JSON)
        </a>
      )}
    </li>
  );
}
