import type { Metadata } from "next";
import Link from "next/link";
import { listPolicyDrafts } from "@/lib/admin/read-policy-drafts";
import { listPolicyVersions, readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { formatTime } from "../format";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Policy versions" };

const DOCUMENTS = { terms: "Terms of Service", privacy: "Privacy Policy" } as const;

export default definePage({ role: "admin", returnTo: "/admin/policies" }, async function PoliciesPage() {
  const [versions, current, drafts] = await Promise.all([
    listPolicyVersions(),
    readCurrentPolicyVersions(),
    listPolicyDrafts(),
  ]);
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Policy versions</h1>
        <p className="mt-1 max-w-prose text-slate-700">
          Write a draft, preview it, publish it. A published text never changes; the ledger records its SHA-256 with
          every decision made under it.
        </p>
      </div>
      <section aria-labelledby="drafts-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="drafts-heading" className="text-lg font-semibold">
            Drafts
          </h2>
          <div className="flex gap-3 text-sm">
            <Link href="/admin/policies/drafts/new?kind=terms" className="font-medium text-blue-800 underline">
              New Terms of Service draft
            </Link>
            <Link href="/admin/policies/drafts/new?kind=privacy" className="font-medium text-blue-800 underline">
              New Privacy Policy draft
            </Link>
          </div>
        </div>
        {drafts.length === 0 ? (
          <p className="mt-2 text-slate-700">No drafts.</p>
        ) : (
          <ul className="mt-3 space-y-2">
            {drafts.map((draft) => (
              <li key={draft.id}>
                <Link href={`/admin/policies/drafts/${draft.id}`} className="font-medium text-blue-800 underline">
                  {DOCUMENTS[draft.kind]} version {draft.version}
                </Link>{" "}
                <span className="text-sm text-slate-600">last saved {formatTime(draft.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="published-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="published-heading" className="text-lg font-semibold">
          Published
        </h2>
        <div className="mt-3 overflow-x-auto">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Version
                </th>
                <th scope="col" className="px-3 py-2">
                  Published
                </th>
                <th scope="col" className="px-3 py-2">
                  Re-consent
                </th>
                <th scope="col" className="px-3 py-2">
                  SHA-256 of the text
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.map((version) => (
                <tr key={version.id} className="border-t border-slate-200">
                  <th scope="row" className="px-3 py-2 font-normal">
                    <Link
                      href={`/admin/policies/versions/${version.id}`}
                      className="font-medium text-blue-800 underline"
                    >
                      {DOCUMENTS[version.kind]} version {version.version}
                    </Link>
                    {current[version.kind]?.id === version.id && (
                      <span className="ml-2 rounded-full bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">
                        current
                      </span>
                    )}
                  </th>
                  <td className="px-3 py-2">{formatTime(version.publishedAt)}</td>
                  <td className="px-3 py-2">{version.requiresReconsent ? "Required" : "—"}</td>
                  <td className="px-3 py-2">
                    <code className="text-xs" title={version.textSha256}>
                      {version.textSha256.slice(0, 16)}…
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </section>
  );
});
