import type { Metadata } from "next";
import { DataTable } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { POLICY_KIND_TITLES, policyVersionLabel } from "@/components/policy-kind";
import Link from "next/link";
import { listPolicyDrafts } from "@/lib/admin/read-policy-drafts";
import { listPolicyVersions, readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Policy versions" };

export default definePage({ role: "admin", returnTo: "/admin/policies" }, async function PoliciesPage() {
  const [versions, current, drafts] = await Promise.all([
    listPolicyVersions(),
    readCurrentPolicyVersions(),
    listPolicyDrafts(),
  ]);
  return (
    <section className="space-y-6">
      <PageHeader
        title="Policy versions"
        intro="Write a draft, preview it, publish it. A published text never changes; the ledger records its SHA-256 with every decision made under it."
      />
      <Panel id="drafts" title="Drafts">
        <p className="mt-1 flex gap-3 text-sm">
          {(["terms", "privacy"] as const).map((kind) => (
            <Link
              key={kind}
              href={`/admin/policies/drafts/new?kind=${kind}`}
              className="font-medium text-blue-800 underline"
            >
              New {POLICY_KIND_TITLES[kind]} draft
            </Link>
          ))}
        </p>
        {drafts.length === 0 ? (
          <p className="mt-2 text-slate-700">No drafts.</p>
        ) : (
          <ul className="mt-3 space-y-2">
            {drafts.map((draft) => (
              <li key={draft.id}>
                <Link href={`/admin/policies/drafts/${draft.id}`} className="font-medium text-blue-800 underline">
                  {policyVersionLabel(draft)}
                </Link>{" "}
                <span className="text-sm text-slate-600">last saved {formatTime(draft.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel id="published" title="Published">
        <DataTable
          className="mt-3"
          columns={[
            {
              header: "Version",
              rowHeader: true,
              cell: (version) => (
                <>
                  <Link href={`/admin/policies/versions/${version.id}`} className="font-medium text-blue-800 underline">
                    {policyVersionLabel(version)}
                  </Link>
                  {current[version.kind]?.id === version.id && (
                    <span className="ml-2 rounded-full bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">
                      current
                    </span>
                  )}
                </>
              ),
            },
            { header: "Published", cell: (version) => formatTime(version.publishedAt) },
            { header: "Re-consent", cell: (version) => (version.requiresReconsent ? "Required" : "—") },
            {
              header: "SHA-256 of the text",
              cell: (version) => (
                <code className="text-xs" title={version.textSha256}>
                  {version.textSha256.slice(0, 16)}…
                </code>
              ),
            },
          ]}
          rows={versions}
          rowKey={(version) => version.id}
        />
      </Panel>
    </section>
  );
});
