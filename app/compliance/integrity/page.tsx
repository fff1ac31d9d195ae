import type { Metadata } from "next";
import Link from "next/link";
import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { readLedgerVerificationJob } from "@/lib/compliance/ledger-verification-job";
import { readLastLedgerVerification } from "@/lib/ledger/verify-ledger";
import { readCheckpointHistory, readLogStatus } from "@/lib/transparency/read-log-status";
import { formatDuration } from "../../admin/format";
import { subjectHref } from "../format";
import { VerificationRunner } from "./verification-runner";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Ledger integrity" };

export default definePage({ role: "compliance", returnTo: "/compliance/integrity" }, async function IntegrityPage() {
  const [last, job, log, history] = await Promise.all([
    readLastLedgerVerification(),
    readLedgerVerificationJob(),
    readLogStatus(),
    readCheckpointHistory(),
  ]);
  // How old the witnessed state is: a witness that is down shows here first (issue 17).
  const witnessedAge = log.witnessed?.cosignedAt
    ? Math.max(0, Math.round((Date.now() - log.witnessed.cosignedAt.getTime()) / 1000))
    : null;
  const unwitnessed = log.witnessed ? log.size - log.witnessed.size : log.size;
  return (
    <section className="space-y-8">
      <PageHeader
        title="Ledger integrity"
        intro="Every person's decisions form a hash chain, and every decision, staff read and admin change is an entry of one Merkle log whose checkpoints independent witnesses cosign. Verifying recomputes every hash and the log's root from the stored rows and compares them with what the witnesses hold — so an edit, a deletion, a back-dated or forged entry, or a restored backup shows, even when made by someone with full access to the database."
      />

      <Panel id="last" title="Last verification">
        {!last ? (
          <p className="mt-2 text-slate-700">The ledger has not been verified yet.</p>
        ) : (
          <div data-testid="last-verification">
            <p className={`mt-2 text-lg font-semibold ${last.ok ? "text-green-800" : "text-red-800"}`}>
              {last.ok ? "✔ Every chain verifies." : "✖ The ledger is broken."}
            </p>
            <DefinitionList
              className="mt-2"
              items={[
                { term: "Verified at", value: formatTime(last.verifiedAt) },
                {
                  term: "Checked",
                  value: `${last.events.toLocaleString("en")} events of ${last.subjects.toLocaleString("en")} subjects in ${last.durationMs.toLocaleString("en")} ms`,
                },
                last.firstBroken && {
                  term: "First broken link",
                  value: (
                    <>
                      <Link
                        prefetch={false}
                        className="text-blue-800 underline"
                        href={subjectHref(last.firstBroken.subjectId)}
                      >
                        subject {last.firstBroken.subjectId}
                      </Link>
                      , event {last.firstBroken.seq}: {last.firstBroken.message}
                    </>
                  ),
                },
                last.firstBroken && { term: "Broken chains", value: last.broken.length },
                last.log && {
                  term: "Log",
                  value: `${last.log.size.toLocaleString("en")} entries; ${
                    last.log.witnessedSize === null
                      ? "no witness checkpoint to compare with"
                      : `witnesses hold ${last.log.witnessedSize.toLocaleString("en")}`
                  }`,
                },
                last.projectionMismatches?.length > 0 && {
                  term: "Consent state differing from the events",
                  value: `${last.projectionMismatches.length} people`,
                },
              ]}
            />
            {last.log?.problems.length > 0 && (
              <ul className="mt-3 list-disc space-y-1 pl-6 text-sm text-red-800" data-testid="log-problems">
                {last.log.problems.map((problem, index) => (
                  <li key={index}>{problem.message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Panel>

      <Panel id="checkpoints" title="Checkpoints">
        <p className="mt-2 text-slate-700" data-testid="log-status">
          Log <code>{log.origin}</code>: {log.size.toLocaleString("en")} entries, {log.pending.toLocaleString("en")}{" "}
          waiting.{" "}
          {log.witnesses === 0
            ? "No witness is configured: checkpoints are signed by the log only."
            : log.witnessed
              ? `Latest witnessed checkpoint: ${log.witnessed.size.toLocaleString("en")} entries, cosigned ${log.witnessed.cosignedAt ? `${formatTime(log.witnessed.cosignedAt)}, ${formatDuration(witnessedAge ?? 0)} ago` : "—"} (${log.quorum} of ${log.witnesses} witnesses needed).${unwitnessed > 0 ? ` ${unwitnessed.toLocaleString("en")} newer entries wait for a cosignature.` : ""}`
              : "No checkpoint has been witnessed yet."}
        </p>
        <table className="mt-3 w-full text-left text-sm" data-testid="checkpoint-history">
          <thead>
            <tr>
              <th className="py-1 pr-4">Entries</th>
              <th className="py-1 pr-4">Signed</th>
              <th className="py-1">Cosigned by</th>
            </tr>
          </thead>
          <tbody>
            {history.map((checkpoint) => (
              <tr key={checkpoint.size} className="border-t border-slate-200">
                <td className="py-1 pr-4 tabular-nums">{checkpoint.size.toLocaleString("en")}</td>
                <td className="py-1 pr-4">{formatTime(checkpoint.createdAt)}</td>
                <td className="py-1 break-all">
                  {checkpoint.cosignatures.length === 0
                    ? "—"
                    : checkpoint.cosignatures
                        .map((cosignature) => `${cosignature.witness} (${formatTime(cosignature.cosignedAt)})`)
                        .join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>

      <Panel id="run" title="Verify now">
        <div className="mt-4">
          <VerificationRunner initialJob={job} />
        </div>
      </Panel>
    </section>
  );
});
