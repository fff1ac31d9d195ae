import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { readDashboard } from "@/lib/admin/read-dashboard";
import { isReconciliationRunning, readReconciliationRun } from "@/lib/admin/auth0-reconciliation-run";
import { readLastLedgerVerification } from "@/lib/ledger/verify-ledger";
import { readLogStatus } from "@/lib/transparency/read-log-status";
import { ChartFigure } from "./chart-figure";
import { ActivityChart, ConsentRateChart, ReconsentChart } from "./dashboard-charts";
import { formatDuration, numberFormat } from "./format";
import { ReconcileNowForm } from "./reconcile-now-form";
import { ReconsentSummary } from "./reconsent-summary";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Admin dashboard" };

function Tile(props: { label: string; value: string; tone?: "ok" | "warn"; testId: string }) {
  const tone = props.tone === "warn" ? "border-amber-400 bg-amber-50" : "border-slate-200 bg-white";
  return (
    <div className={`rounded-xl border p-4 shadow-sm ${tone}`} data-testid={props.testId}>
      <dt className="text-sm text-slate-700">{props.label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{props.value}</dd>
    </div>
  );
}

export default definePage({ role: "admin", returnTo: "/admin" }, async function AdminDashboardPage() {
  const [dashboard, log, verification, reconciliation] = await Promise.all([
    readDashboard(),
    readLogStatus(),
    readLastLedgerVerification(),
    readReconciliationRun(),
  ]);
  const reconciling = isReconciliationRunning(reconciliation);
  const { outbox, reconsent } = dashboard;
  const witnessedAge = log.witnessed?.cosignedAt
    ? Math.max(0, Math.round((Date.now() - log.witnessed.cosignedAt.getTime()) / 1000))
    : null;
  // Checkpoints are cosigned every second or so: minutes without one means a witness is down.
  const witnessLagging = log.witnesses > 0 && (witnessedAge === null || witnessedAge > 300) && log.size > 0;
  // A sync that has not caught up within a few minutes deserves a look.
  const lagging = outbox.oldestPendingAgeSeconds !== null && outbox.oldestPendingAgeSeconds > 300;
  const thisWeek = dashboard.consentRate.at(-1);
  return (
    <section className="space-y-6">
      <PageHeader
        title="Admin dashboard"
        intro={`${numberFormat.format(thisWeek?.people ?? 0)} people on record. Figures are computed from the consent ledger; weeks start on Monday (UTC).`}
      />
      {dashboard.demo ? (
        <p
          role="note"
          className="rounded-lg border border-sky-300 bg-sky-50 p-3 text-sm"
          data-testid="demo-data-notice"
        >
          <strong>Demo data.</strong> {numberFormat.format(dashboard.demo.people)} generated people (addresses at
          demo.example) and their half year of decisions were recorded when this installation first started.{" "}
          <code>npm start -- --fresh --no-demo</code> starts an empty portal.
        </p>
      ) : null}

      <section aria-labelledby="sync-heading" className="space-y-3">
        <h2 id="sync-heading" className="text-lg font-semibold">
          Auth0 sync (outbox)
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Tile
            label="Waiting to be delivered"
            value={numberFormat.format(outbox.pending)}
            tone={outbox.pending > 0 && lagging ? "warn" : "ok"}
            testId="outbox-backlog"
          />
          <Tile
            label="Oldest waiting for"
            value={outbox.oldestPendingAgeSeconds === null ? "—" : formatDuration(outbox.oldestPendingAgeSeconds)}
            tone={lagging ? "warn" : "ok"}
            testId="outbox-oldest"
          />
          <Tile
            label="Failing (retrying)"
            value={numberFormat.format(outbox.failing.length)}
            tone={outbox.failing.length ? "warn" : "ok"}
            testId="outbox-failing"
          />
          <Tile label="Delivered" value={numberFormat.format(outbox.delivered)} testId="outbox-delivered" />
        </dl>
        {outbox.failing.length > 0 && (
          <details className="rounded-xl bg-white p-4 text-sm shadow-sm">
            <summary className="cursor-pointer font-medium text-blue-800">Messages that keep failing</summary>
            <ul className="mt-2 space-y-1">
              {outbox.failing.map((message) => (
                <li key={message.id}>
                  {message.kind} for subject <code>{message.subjectId}</code>: {message.attempts} attempts, next at{" "}
                  {formatTime(message.nextAttemptAt)} — {message.lastError}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      <section aria-labelledby="mirror-heading" className="space-y-3">
        <h2 id="mirror-heading" className="text-lg font-semibold">
          Auth0 mirror (reconciliation)
        </h2>
        <p className="text-sm text-slate-700">
          Auth0&apos;s copy of everyone&apos;s consent is compared with the ledger on a schedule; drift is repaired
          through the outbox.
        </p>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Tile
            label="Last comparison"
            value={
              !reconciliation
                ? "never"
                : reconciling
                  ? `running since ${formatTime(new Date(reconciliation.startedAt))}`
                  : reconciliation.status === "failed"
                    ? `✖ failed, ${formatTime(new Date(reconciliation.finishedAt ?? reconciliation.startedAt))}`
                    : `✔ ${formatTime(new Date(reconciliation.finishedAt ?? reconciliation.startedAt))}`
            }
            tone={!reconciliation || reconciliation.status === "failed" ? "warn" : "ok"}
            testId="mirror-last-run"
          />
          <Tile
            label="People compared"
            value={reconciliation ? numberFormat.format(reconciliation.counts.compared) : "—"}
            testId="mirror-compared"
          />
          <Tile
            label="Drift found"
            value={reconciliation ? numberFormat.format(reconciliation.counts.drifted) : "—"}
            tone={reconciliation && reconciliation.counts.drifted > 0 ? "warn" : "ok"}
            testId="mirror-drifted"
          />
          <Tile
            label="Repaired (queued)"
            value={reconciliation ? numberFormat.format(reconciliation.counts.repaired) : "—"}
            testId="mirror-repaired"
          />
        </dl>
        {reconciliation && (reconciliation.counts.awaitingSync > 0 || reconciliation.counts.missingInAuth0 > 0) && (
          <p className="text-sm text-slate-700" data-testid="mirror-notes">
            {reconciliation.counts.awaitingSync > 0 &&
              `${numberFormat.format(reconciliation.counts.awaitingSync)} differed while a sync was waiting (left to it). `}
            {reconciliation.counts.missingInAuth0 > 0 &&
              `${numberFormat.format(reconciliation.counts.missingInAuth0)} open accounts have no Auth0 user any more.`}
          </p>
        )}
        <ReconcileNowForm />
      </section>

      <section aria-labelledby="log-heading" className="space-y-3">
        <h2 id="log-heading" className="text-lg font-semibold">
          Verifiable log
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Tile label="Entries in the log" value={numberFormat.format(log.size)} testId="log-size" />
          <Tile
            label="Waiting to be logged"
            value={numberFormat.format(log.pending)}
            tone={log.pending > 10_000 ? "warn" : "ok"}
            testId="log-pending"
          />
          <Tile
            label="Last witnessed checkpoint"
            value={
              log.witnesses === 0
                ? "no witness configured"
                : witnessedAge === null
                  ? "none yet"
                  : `${formatDuration(witnessedAge)} ago`
            }
            tone={witnessLagging || log.witnesses === 0 ? "warn" : "ok"}
            testId="log-witnessed-age"
          />
          <Tile
            label="Last verification"
            value={
              verification
                ? `${verification.ok ? "✔ passed" : "✖ failed"}, ${formatTime(verification.verifiedAt)}`
                : "never"
            }
            tone={verification?.ok ? "ok" : "warn"}
            testId="log-last-verification"
          />
        </dl>
      </section>

      <ChartFigure
        id="consent-rate"
        title="Consent rate per purpose"
        description="Share of people on record consenting to each purpose at the end of each week."
        chart={<ConsentRateChart purposes={dashboard.purposes} rows={dashboard.consentRate} />}
        columns={["Week", "People", ...dashboard.purposes.map((purpose) => purpose.title)]}
        rows={dashboard.consentRate.map((row) => [
          row.week,
          row.people,
          ...dashboard.purposes.map((purpose) => {
            const rate = row.rates[purpose.key];
            return rate === null || rate === undefined ? "—" : `${rate}%`;
          }),
        ])}
      />

      <ChartFigure
        id="weekly-activity"
        title="Grants and withdrawals per week"
        chart={<ActivityChart rows={dashboard.activity} />}
        columns={["Week", "Grants", "Withdrawals"]}
        rows={dashboard.activity.map((row) => [row.week, row.granted, row.withdrawn])}
      />

      {reconsent ? (
        <ChartFigure
          id="reconsent"
          title={`Re-consent to ${reconsent.version.title} version ${reconsent.version.version}`}
          description={
            <>The newest version that requires re-consent, published {formatTime(reconsent.version.publishedAt)}.</>
          }
          chart={<ReconsentChart {...reconsent} />}
          columns={["", "People"]}
          rows={[
            ["Agreed again", reconsent.accepted],
            ["Not asked yet", reconsent.pending],
            ["Declined or left", reconsent.declined],
          ]}
        >
          <ReconsentSummary progress={reconsent} />
        </ChartFigure>
      ) : (
        <section className="rounded-xl bg-white p-6 shadow-sm" data-testid="reconsent">
          <h2 className="text-lg font-semibold">Re-consent</h2>
          <p className="mt-1 text-slate-700">No published version requires re-consent.</p>
        </section>
      )}
    </section>
  );
});
