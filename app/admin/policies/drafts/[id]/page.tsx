import type { Metadata } from "next";
import { BackLink } from "@/components/back-link";
import { formatTime } from "@/components/format-time";
import { Notice } from "@/components/notice";
import { Panel } from "@/components/panel";
import { POLICY_KIND_TITLES } from "@/components/policy-kind";
import { notFound } from "next/navigation";
import { PolicyText } from "@/components/policy-text";
import { readPolicyDraft } from "@/lib/admin/read-policy-drafts";
import { defaultPolicyUrl } from "@/lib/admin/save-policy-draft";
import { sha256Hex } from "@/lib/crypto/sha256";
import { DeleteDraftForm, DraftForm, PublishDraftForm } from "../../draft-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Policy draft" };

export default definePage<{ id: string }, { saved?: string }>(
  { role: "admin", returnTo: ({ id }) => `/admin/policies/drafts/${id}` },
  async function DraftPage({ params, searchParams }) {
    const { id } = await params;
    const [draft, { saved }] = await Promise.all([readPolicyDraft(id), searchParams]);
    if (!draft) notFound();
    const document = POLICY_KIND_TITLES[draft.kind];
    const textSha256 = sha256Hex(draft.text);
    return (
      <section className="space-y-6">
        <BackLink href="/admin/policies">All policy versions</BackLink>
        <div>
          <h1 className="text-2xl font-bold">
            Draft: {document} version {draft.version}
          </h1>
          <p className="mt-1 text-sm text-slate-600">Last saved {formatTime(draft.updatedAt)}.</p>
        </div>
        {saved && (
          <Notice tone="success" role="status">
            Draft saved. Check the preview before publishing.
          </Notice>
        )}
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <h2 className="text-lg font-semibold">Edit</h2>
          <div className="mt-4">
            <DraftForm
              draft={{
                id: draft.id,
                kind: draft.kind,
                version: draft.version,
                title: draft.title,
                url: draft.url === defaultPolicyUrl(draft.kind, draft.version) ? "" : draft.url,
                text: draft.text,
              }}
            />
          </div>
        </div>
        <section
          id="preview"
          aria-labelledby="preview-heading"
          className="rounded-xl border-2 border-dashed border-slate-400 bg-white p-6"
        >
          <h2 id="preview-heading" className="text-lg font-semibold">
            Preview, as people will see it
          </h2>
          <article className="mt-4 border-t border-slate-200 pt-4" data-testid="draft-preview">
            <h3 className="text-2xl font-bold">{draft.title}</h3>
            <p className="mt-1 text-sm text-slate-600">Version {draft.version}</p>
            <PolicyText text={draft.text} />
            <p className="mt-6 text-xs break-all text-slate-600">
              SHA-256 of this text: <span data-testid="draft-sha256">{textSha256}</span>
            </p>
          </article>
        </section>
        <Panel
          id="publish"
          title="Publish"
          description={
            <>
              Publishing makes this the current {document} at once, at <code>{draft.url}</code>. The saved text above is
              what gets published; if it changes before you press publish, publishing is refused.
            </>
          }
        >
          <div className="mt-4">
            <PublishDraftForm id={draft.id} textSha256={textSha256} label={`version ${draft.version}`} />
          </div>
          <div className="mt-6 border-t border-slate-200 pt-4">
            <DeleteDraftForm id={draft.id} />
          </div>
        </Panel>
      </section>
    );
  },
);
