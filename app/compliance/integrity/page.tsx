import type { Metadata } from "next";
import Link from "next/link";
import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { readLedgerVerificationJob } from "@/lib/compliance/ledger-verification-job";
import { readLastLedgerVerification } from "@/lib/ledger/verify-ledger";
import { subjectHref } from "../format";
import { VerificationRunner } from "./verification-runner";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Ledger integrity" };

export default definePage({ role: "compliance", returnTo: "/compliance/integrity" }, async function IntegrityPage() {
  const [last, job] = await Promise.all([readLastLedgerVerification(), readLedgerVerificationJob()]);
  return (
    <section className="space-y-8">
      <PageHeader
        title="Ledger integrity"
        intro="Every person's decisions form a hash chain. Verifying recomputes every hash from the stored events and reports the first link that does not match — an edit, a deletion or a reordering made behind the database's back."
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
              ]}
            />
          </div>
        )}
      </Panel>

      <Panel id="run" title="Verify now">
        <div className="mt-4">
          <VerificationRunner initialJob={job} />
        </div>
      </Panel>
    </section>
  );
});
