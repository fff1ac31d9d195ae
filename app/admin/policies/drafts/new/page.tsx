import type { Metadata } from "next";
import { BackLink } from "@/components/back-link";
import { POLICY_KIND_TITLES } from "@/components/policy-kind";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { DraftForm } from "../../draft-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "New policy draft" };

/** The next label after a numeric one ("1" → "2", "2.1" → "3"); otherwise empty. */
function nextVersion(label: string | undefined): string {
  const number = Number.parseFloat(label ?? "");
  return Number.isFinite(number) ? String(Math.floor(number) + 1) : "";
}

export default definePage<Record<string, never>, { kind?: string }>(
  { role: "admin", returnTo: "/admin/policies/drafts/new" },
  async function NewDraftPage({ searchParams }) {
    const kind = (await searchParams).kind === "privacy" ? "privacy" : "terms";
    const current = (await readCurrentPolicyVersions())[kind];
    return (
      <section className="space-y-6">
        <BackLink href="/admin/policies">All policy versions</BackLink>
        <h1 className="text-2xl font-bold">New {POLICY_KIND_TITLES[kind]} draft</h1>
        <p className="max-w-prose text-slate-700">
          {current
            ? `It starts from the current text (version ${current.version}). Nothing is published until you publish it.`
            : "Nothing is published until you publish it."}
        </p>
        <div className="rounded-xl bg-white p-6 shadow-sm">
          <DraftForm
            draft={{
              kind,
              version: nextVersion(current?.version),
              title: current?.title ?? POLICY_KIND_TITLES[kind],
              url: "",
              text: current?.text ?? "",
            }}
          />
        </div>
      </section>
    );
  },
);
