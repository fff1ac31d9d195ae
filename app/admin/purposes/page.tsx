import type { Metadata } from "next";
import { DataTable } from "@/components/data-table";
import { Notice } from "@/components/notice";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { POLICY_KIND_TITLES } from "@/components/policy-kind";
import Link from "next/link";
import { readPurposeOverview } from "@/lib/admin/read-purpose-overview";
import { CreatePurposeForm } from "./purpose-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Purposes" };

export default definePage<Record<string, never>, { deleted?: string }>(
  { role: "admin", returnTo: "/admin/purposes" },
  async function PurposesPage({ searchParams }) {
    const [overview, { deleted }] = await Promise.all([readPurposeOverview(), searchParams]);
    return (
      <section className="space-y-6">
        <PageHeader
          title="Purposes"
          intro="What people can consent to. A purpose that has decisions in the ledger is retired, never deleted: it is no longer offered at sign-up or in My consents, and its history stays."
        />
        {typeof deleted === "string" && (
          <Notice tone="success" role="status">
            Deleted “{deleted}” (nobody had decided on it yet).
          </Notice>
        )}
        <DataTable
          caption="Purposes"
          className="rounded-xl bg-white shadow-sm"
          columns={[
            {
              header: "Purpose",
              rowHeader: true,
              cell: ({ purpose }) => (
                <>
                  <Link href={`/admin/purposes/${purpose.key}`} className="font-medium text-blue-800 underline">
                    {purpose.title}
                  </Link>
                  <span className="block text-xs text-slate-600">{purpose.key}</span>
                </>
              ),
            },
            { header: "Document", cell: ({ purpose }) => POLICY_KIND_TITLES[purpose.policyKind] },
            { header: "Required", cell: ({ purpose }) => (purpose.required ? "Required" : "Optional") },
            { header: "Status", cell: ({ purpose }) => (purpose.retiredAt ? "Retired" : "Offered") },
            { header: "Consenting now", className: "text-right tabular-nums", cell: ({ granted }) => granted },
            { header: "Decisions", className: "text-right tabular-nums", cell: ({ events }) => events },
          ]}
          rows={overview}
          rowKey={({ purpose }) => purpose.key}
          rowProps={({ purpose }) => ({ "data-testid": `admin-purpose-${purpose.key}` })}
        />
        <Panel id="new-purpose" title="New purpose">
          <div className="mt-4 max-w-xl">
            <CreatePurposeForm />
          </div>
        </Panel>
      </section>
    );
  },
);
