import type { Metadata } from "next";
import Link from "next/link";
import { readLedgerVerificationJob } from "@/lib/compliance/ledger-verification-job";
import { readLastLedgerVerification } from "@/lib/ledger/verify-ledger";
import { utc } from "../format";
import { VerificationRunner } from "./verification-runner";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Ledger integrity" };

export default definePage({ role: "compliance", returnTo: "/compliance/integrity" }, async function IntegrityPage() {
  const [last, job] = await Promise.all([readLastLedgerVerification(), readLedgerVerificationJob()]);
  return (
    <section className="space-y-8">
      <header>
        <h1 className="text-2xl font-bold">Ledger integrity</h1>
        <p className="mt-2 max-w-prose text-slate-700">
          Every person&apos;s decisions form a hash chain. Verifying recomputes every hash from the stored events and
          reports the first link that does not match — an edit, a deletion or a reordering made behind the
          database&apos;s back.
        </p>
      </header>

      <section aria-labelledby="last-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="last-heading" className="text-xl font-semibold">
          Last verification
        </h2>
        {!last ? (
          <p className="mt-2 text-slate-700">The ledger has not been verified yet.</p>
        ) : (
          <div data-testid="last-verification">
            <p className={`mt-2 text-lg font-semibold ${last.ok ? "text-green-800" : "text-red-800"}`}>
              {last.ok ? "✔ Every chain verifies." : "✖ The ledger is broken."}
            </p>
            <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-600">Verified at</dt>
              <dd>{utc(last.verifiedAt)}</dd>
              <dt className="text-slate-600">Checked</dt>
              <dd>
                {last.events.toLocaleString("en")} events of {last.subjects.toLocaleString("en")} subjects in{" "}
                {last.durationMs.toLocaleString("en")} ms
              </dd>
              {last.firstBroken && (
                <>
                  <dt className="text-slate-600">First broken link</dt>
                  <dd>
                    <Link
                      prefetch={false}
                      className="text-blue-800 underline"
                      href={`/compliance/subjects/${last.firstBroken.subjectId}`}
                    >
                      subject {last.firstBroken.subjectId}
                    </Link>
                    , event {last.firstBroken.seq}: {last.firstBroken.message}
                  </dd>
                  <dt className="text-slate-600">Broken chains</dt>
                  <dd>{last.broken.length}</dd>
                </>
              )}
            </dl>
          </div>
        )}
      </section>

      <section aria-labelledby="run-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="run-heading" className="mb-4 text-xl font-semibold">
          Verify now
        </h2>
        <VerificationRunner initialJob={job} />
      </section>
    </section>
  );
});
