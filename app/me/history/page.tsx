import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { policyVersionLabel, type PolicyKind } from "@/components/policy-kind";
import { requirePerson } from "@/lib/subjects/require-person";
import { readConsentHistory } from "@/lib/consent/read-consent-history";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "My history" };

const ACTION_TEXT = {
  granted: "You gave consent",
  withdrawn: "You withdrew consent",
  erased: "Account erased",
  requested: "You asked to give consent",
} as const;
const METHOD_TEXT = {
  signup: "at sign-up",
  portal: "in the portal",
  reconsent: "when the terms changed",
  api: "through an integration",
  staff: "recorded by our staff",
  migration: "imported from an earlier system",
  email_confirmation: "when you confirmed your email address",
} as const;

export default definePage({ role: "user", returnTo: "/me/history" }, async function MyHistoryPage({ actor }) {
  const { subject } = await requirePerson(actor, "/me/history");
  const history = await readConsentHistory(subject.id);
  return (
    <section>
      <PageHeader
        title="My history"
        intro="Every decision you made, newest first. Each has a signed receipt: a JSON file you can keep as proof."
      />
      <p className="mt-2 max-w-prose text-sm text-slate-600">
        Each receipt proves itself: drop it on{" "}
        <a className="text-blue-800 underline" href="/verify">
          Verify a receipt
        </a>{" "}
        to check, in your browser, that we signed it and that the decision is in our public log, confirmed by an
        independent witness. (For developers: the file holds a JSON Web Signature checked against{" "}
        <a className="text-blue-800 underline" href="/api/receipts/jwks">
          /api/receipts/jwks
        </a>{" "}
        and a Merkle inclusion proof; a receipt downloaded in the first seconds after a decision has no proof yet.)
      </p>
      {history.length === 0 ? (
        <p className="mt-6 rounded-xl bg-white p-6 shadow-sm">You have made no decisions yet.</p>
      ) : (
        <ol className="mt-6 space-y-3 border-l-2 border-slate-300 pl-6">
          {history.map((entry, index) => (
            <li key={entry.id} className="rounded-xl bg-white p-4 shadow-sm" data-testid="history-entry">
              <h2 className="font-semibold">
                {ACTION_TEXT[entry.action]}
                {entry.purposeTitle && <> to “{entry.purposeTitle}”</>}
              </h2>
              {entry.purposeDescription && (
                <p className="text-sm text-slate-700" data-testid="history-entry-wording">
                  {entry.purposeDescription}
                  {entry.purposeVersion && entry.purposeVersion > 1 && (
                    <span className="text-slate-600"> (wording version {entry.purposeVersion})</span>
                  )}
                </p>
              )}
              <p className="text-sm text-slate-600">
                <time dateTime={entry.serverTime.toISOString()}>{formatTime(entry.serverTime)}</time>,{" "}
                {METHOD_TEXT[entry.method]}
                {entry.policyKind && entry.policyVersionLabel && (
                  <>
                    , under{" "}
                    {policyVersionLabel({ kind: entry.policyKind as PolicyKind, version: entry.policyVersionLabel })}
                  </>
                )}
                {entry.actorReason && <> (reason: {entry.actorReason})</>}
              </p>
              {entry.action === "requested" && (
                <p className="text-sm text-slate-700">
                  Not given yet: waiting for you to confirm your email address with the link we sent you.
                </p>
              )}
              {entry.action !== "erased" && entry.action !== "requested" && (
                <a
                  className="mt-1 inline-block text-sm font-medium text-blue-800 underline"
                  href={`/me/receipts/${entry.id}`}
                  download
                >
                  Download receipt
                  <span className="sr-only">
                    {" "}
                    for decision {history.length - index}: {ACTION_TEXT[entry.action]}
                    {entry.purposeTitle && <> to “{entry.purposeTitle}”</>}
                  </span>{" "}
                  (JSON)
                </a>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
});
