import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PolicyText } from "@/components/policy-text";
import { readReconsentProgress } from "@/lib/admin/read-reconsent-progress";
import { readPolicyVersion, resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { formatTime } from "../../../format";
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
    return (
      <section className="space-y-6">
        <p>
          <Link href="/admin/policies" className="text-sm font-medium text-blue-800 underline">
            All policy versions
          </Link>
        </p>
        {published && (
          <p role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-green-900">
            Published. It is the current version from now on
            {version.requiresReconsent
              ? "; people who agreed to an earlier one are asked again at their next visit"
              : ""}
            .
          </p>
        )}
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <h1 className="text-2xl font-bold">
            {version.title}, version {version.version}
          </h1>
          <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
            <dt className="text-slate-600">Published</dt>
            <dd>
              {formatTime(version.publishedAt)}
              {version.publishedBy ? ` by ${version.publishedBy}` : ""}
            </dd>
            <dt className="text-slate-600">Address</dt>
            <dd>
              <a href={resolvePolicyUrl(version.url)} className="break-all text-blue-800 underline">
                {resolvePolicyUrl(version.url)}
              </a>
            </dd>
            <dt className="text-slate-600">Requires re-consent</dt>
            <dd>{version.requiresReconsent ? "Yes" : "No"}</dd>
            <dt className="text-slate-600">SHA-256 of the text</dt>
            <dd className="break-all font-mono text-xs" data-testid="version-sha256">
              {version.textSha256}
            </dd>
          </dl>
          <p className="mt-3 text-sm text-slate-600">
            Published text is immutable: the database refuses any change to it, and every consent decision made under it
            records this hash.
          </p>
        </div>
        {progress && (
          <section aria-labelledby="progress-heading" className="rounded-xl bg-white p-6 shadow-sm">
            <h2 id="progress-heading" className="text-lg font-semibold">
              Re-consent progress
            </h2>
            <div className="mt-3">
              <ReconsentSummary progress={progress} />
            </div>
          </section>
        )}
        <article className="rounded-xl bg-white p-6 shadow-sm" aria-label="Published text">
          <PolicyText text={version.text} />
        </article>
      </section>
    );
  },
);
