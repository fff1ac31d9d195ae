import type { Metadata } from "next";
import { BackLink } from "@/components/back-link";
import { formatTime } from "@/components/format-time";
import { POLICY_KIND_TITLES } from "@/components/policy-kind";
import { notFound } from "next/navigation";
import { readPurposeOverview } from "@/lib/admin/read-purpose-overview";
import { readPurposeVersionHistory } from "@/lib/admin/read-purpose-versions";
import { PurposeVersionHistory } from "../purpose-version-history";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { EditPurposeForm, RetirePurposeForm } from "../purpose-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Edit purpose" };

export default definePage<{ key: string }>(
  { role: "admin", returnTo: ({ key }) => `/admin/purposes/${key}` },
  async function EditPurposePage({ params }) {
    const { key } = await params;
    const row = (await readPurposeOverview()).find((candidate) => candidate.purpose.key === key);
    if (!row) notFound();
    const { purpose, granted, withdrawn, events } = row;
    const versions = await readPurposeVersionHistory(purpose.id);
    const staffEmails = await readStaffEmails(versions.map((version) => version.publishedBy));
    const current = versions[0]!;
    return (
      <section className="space-y-6">
        <BackLink href="/admin/purposes">All purposes</BackLink>
        <div>
          <h1 className="text-2xl font-bold">{purpose.title}</h1>
          <p className="mt-1 text-slate-700">
            Key <code>{purpose.key}</code>, governed by the {POLICY_KIND_TITLES[purpose.policyKind]}.{" "}
            {purpose.retiredAt ? `Retired ${formatTime(purpose.retiredAt)}.` : "Offered."} {granted} consenting,{" "}
            {withdrawn} withdrawn, {events} decisions in the ledger.
          </p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <h2 className="text-lg font-semibold">Wording and order</h2>
          <p className="mt-1 max-w-prose text-sm text-slate-600">
            The key and the governing document never change: past decisions refer to them. New wording is published as a
            new version; every decision keeps the version the person was shown, and so does its receipt.
          </p>
          <div className="mt-4 max-w-xl">
            <EditPurposeForm purpose={purpose} version={current.version} granted={granted} />
          </div>
        </div>
        <PurposeVersionHistory versions={versions} staffEmails={staffEmails} />
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <h2 className="text-lg font-semibold">{purpose.retiredAt ? "Offer it again" : "Stop offering it"}</h2>
          <p className="mt-1 max-w-prose text-sm text-slate-600">
            {purpose.retiredAt
              ? "Reinstating shows it at sign-up and in My consents again."
              : purpose.required
                ? "A required purpose cannot be retired: make it optional first."
                : events > 0
                  ? "It has decisions in the ledger, so it is retired, not deleted: hidden from sign-up and My consents, kept in every history and export."
                  : "Nobody has decided on it yet, so it is deleted."}
          </p>
          {!(purpose.required && !purpose.retiredAt) && (
            <div className="mt-4">
              <RetirePurposeForm purposeKey={purpose.key} retired={purpose.retiredAt !== null} hasEvents={events > 0} />
            </div>
          )}
        </div>
      </section>
    );
  },
);
