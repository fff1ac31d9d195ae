import { DataTable } from "@/components/data-table";
import { Notice } from "@/components/notice";
import { Panel } from "@/components/panel";
import type { SubjectAudit } from "@/lib/compliance/read-subject-audit";

/** Auth0's copy of the consent (`user_metadata.consent`) next to the ledger, field by field. */
export function Auth0Comparison({ audit }: { audit: SubjectAudit }) {
  const side = audit.auth0;
  return (
    <Panel
      id="auth0"
      title="Auth0 profile next to the ledger"
      description={
        <>
          Auth0 keeps <code>user_metadata.consent</code> as a copy of the ledger, without the flat keys sign-up wrote,
          and <code>app_metadata.deleted</code> on a closed account. The ledger is the proof; any difference is shown
          here and repaired by the next reconciliation.
        </>
      }
    >
      {audit.pendingSync > 0 && (
        <Notice tone="info" className="mt-3 text-sm">
          {audit.pendingSync} {audit.pendingSync === 1 ? "change is" : "changes are"} waiting to be delivered to Auth0:
          differences are expected until then.
        </Notice>
      )}
      {side.state === "no_account" && (
        <p className="mt-3 text-slate-700">This subject has no Auth0 account (any more).</p>
      )}
      {side.state === "not_found" && (
        <Notice tone="warning" className="mt-3">
          Auth0 has no user {audit.subject.auth0UserId}: it was deleted in Auth0.
        </Notice>
      )}
      {side.state === "unreachable" && (
        <Notice tone="warning" role="alert" className="mt-3">
          {side.message}
        </Notice>
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
            <DataTable
              caption="Consent in Auth0, key by key"
              density="compact"
              className="mt-3"
              tableClassName="table-fixed"
              columns={[
                { header: "Field", rowHeader: true, className: "w-1/4 font-mono break-all", cell: (row) => row.field },
                { header: "Ledger", className: "break-all", cell: (row) => row.ledger },
                { header: "Auth0", className: "break-all", cell: (row) => row.auth0 },
                { header: "Check", className: "w-24 font-semibold", cell: (row) => (row.same ? "Same" : "Differs") },
              ]}
              rows={side.comparison.rows}
              rowKey={(row) => row.field}
              rowProps={(row) => ({ className: row.same ? "" : "bg-amber-50", "data-testid": `metadata-${row.field}` })}
            />
          )}
        </>
      )}
    </Panel>
  );
}
