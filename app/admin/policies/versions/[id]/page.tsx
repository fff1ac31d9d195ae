import type { Metadata } from "next";
import { BackLink } from "@/components/back-link";
import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import { Notice } from "@/components/notice";
import { Panel } from "@/components/panel";
import { notFound } from "next/navigation";
import { PolicyText } from "@/components/policy-text";
import { readReconsentProgress } from "@/lib/admin/read-reconsent-progress";
import { readPolicyVersion, resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { ReconsentSummary } from "../../../reconsent-summary";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Policy version" };

export default definePage<{ id: string }, { published?: string }>(
  { role: "admin", returnTo: ({ id }) => `/admin/policies/versions/${id}` },
  async function PolicyVersionPage({ params, searchParams }) {
    const { id } = await params;
    const [version, { published }] = await Promise.all([readPolicyVersion({ id }), searchParams]);
    if (!version) notFound();
    const progress = version.requiresReconsent ? await readReconsentProgress(version.id) : null;
    const emails = await readStaffEmails([version.publishedBy]);
    // The staff member's email from the directory (ADR 041); the id the evidence keeps beside it.
    const publisher = version.publishedBy
      ? emails.has(version.publishedBy)
        ? `${emails.get(version.publishedBy)} (${version.publishedBy})`
        : version.publishedBy
      : null;
    return (
      <section className="space-y-6">
        <BackLink href="/admin/policies">All policy versions</BackLink>
        {published && (
          <Notice tone="success" role="status">
            Published. It is the current version from now on
            {version.requiresReconsent
              ? "; people who agreed to an earlier one are asked again at their next visit"
              : ""}
            .
          </Notice>
        )}
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <h1 className="text-2xl font-bold">
            {version.title}, version {version.version}
          </h1>
          <DefinitionList
            className="mt-3"
            items={[
              {
                term: "Published",
                value: `${formatTime(version.publishedAt)}${publisher ? ` by ${publisher}` : ""}`,
              },
              {
                term: "Address",
                value: (
                  <a href={resolvePolicyUrl(version.url)} className="break-all text-blue-800 underline">
                    {resolvePolicyUrl(version.url)}
                  </a>
                ),
              },
              { term: "Requires re-consent", value: version.requiresReconsent ? "Yes" : "No" },
              ...(version.changeSummary ? [{ term: "What changed", value: version.changeSummary }] : []),
              { term: "SHA-256 of the text", value: version.textSha256, mono: "hash", testId: "version-sha256" },
            ]}
          />
          <p className="mt-3 text-sm text-slate-600">
            Published text is immutable: the database refuses any change to it, and every consent decision made under it
            records this hash.
          </p>
        </div>
        {progress && (
          <Panel id="progress" title="Re-consent progress">
            <div className="mt-3">
              <ReconsentSummary progress={progress} />
            </div>
          </Panel>
        )}
        <article className="rounded-xl bg-white p-6 shadow-sm" aria-label="Published text">
          <PolicyText text={version.text} />
        </article>
      </section>
    );
  },
);
