import type { Metadata } from "next";
import Link from "next/link";
import { readPurposeOverview } from "@/lib/admin/read-purpose-overview";
import { CreatePurposeForm } from "./purpose-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Purposes" };

const DOCUMENTS = { terms: "Terms of Service", privacy: "Privacy Policy" } as const;

export default definePage<Record<string, never>, { deleted?: string }>(
  { role: "admin", returnTo: "/admin/purposes" },
  async function PurposesPage({ searchParams }) {
    const [overview, { deleted }] = await Promise.all([readPurposeOverview(), searchParams]);
    return (
      <section className="space-y-6">
        <div>
          <h1 className="text-2xl font-bold">Purposes</h1>
          <p className="mt-1 max-w-prose text-slate-700">
            What people can consent to. A purpose that has decisions in the ledger is retired, never deleted: it is no
            longer offered at sign-up or in My consents, and its history stays.
          </p>
        </div>
        {typeof deleted === "string" && (
          <p role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-green-900">
            Deleted “{deleted}” (nobody had decided on it yet).
          </p>
        )}
        <div className="overflow-x-auto rounded-xl bg-white shadow-sm">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Purposes</caption>
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Purpose
                </th>
                <th scope="col" className="px-3 py-2">
                  Document
                </th>
                <th scope="col" className="px-3 py-2">
                  Required
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Consenting now
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Decisions
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.map(({ purpose, granted, events }) => (
                <tr
                  key={purpose.key}
                  className="border-t border-slate-200"
                  data-testid={`admin-purpose-${purpose.key}`}
                >
                  <th scope="row" className="px-3 py-2 font-normal">
                    <Link href={`/admin/purposes/${purpose.key}`} className="font-medium text-blue-800 underline">
                      {purpose.title}
                    </Link>
                    <span className="block text-xs text-slate-600">{purpose.key}</span>
                  </th>
                  <td className="px-3 py-2">{DOCUMENTS[purpose.policyKind]}</td>
                  <td className="px-3 py-2">{purpose.required ? "Required" : "Optional"}</td>
                  <td className="px-3 py-2">{purpose.retiredAt ? "Retired" : "Offered"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{granted}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{events}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <section aria-labelledby="new-purpose" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="new-purpose" className="text-lg font-semibold">
            New purpose
          </h2>
          <div className="mt-4 max-w-xl">
            <CreatePurposeForm />
          </div>
        </section>
      </section>
    );
  },
);
