import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { formatDate } from "@/components/format-time";
import { PolicyText } from "@/components/policy-text";
import { TextDiff } from "@/components/text-diff";
import { diffWords } from "@/lib/policies/word-diff";
import type { ConsentStatusView } from "@/lib/consent/read-consent-status";
import type { PolicyKind } from "@/components/policy-kind";
import { needsConsentGate, requirePerson } from "@/lib/subjects/require-person";
import { readPolicyVersion } from "@/lib/policies/read-policy-versions";
import { ConsentGateForm } from "./consent-gate-form";
import { definePage } from "@/lib/http/define-page";
import { safeRedirectPath } from "@/lib/http/safe-redirect";

/** Why a purpose is asked again: its wording changed in a way that needs the person's agreement. */
function WhatChanged({ wording }: { wording: { version: number; changeSummary: string | null } }) {
  return (
    <span className="block text-sm text-amber-900">
      Reworded since you agreed (version {wording.version}){wording.changeSummary ? `: ${wording.changeSummary}` : "."}
    </span>
  );
}

export const metadata: Metadata = { title: "Please review our terms" };

/** The version of a document the person last decided under, if any (the newest decision of that kind). */
function acceptedVersionId(status: ConsentStatusView, kind: PolicyKind): string | null {
  const decided = status.purposes
    .filter((row) => row.purpose.policyKind === kind && row.policyVersion && row.updatedAt)
    .sort((x, y) => y.updatedAt!.getTime() - x.updatedAt!.getTime());
  return decided[0]?.policyVersion?.id ?? null;
}

export default definePage(
  { role: "user", returnTo: "/consent" },
  async function ConsentGatePage({ actor, searchParams }) {
    const returnTo = safeRedirectPath((await searchParams).returnTo);
    const { status } = await requirePerson(actor, "/consent", { gate: false });
    if (!needsConsentGate(status)) redirect(returnTo);

    const documents = await Promise.all(
      Object.values(status.currentPolicies).flatMap((version) =>
        version ? [readPolicyVersion({ id: version.id })] : [],
      ),
    );
    // Each document next to the version the person accepted: what changed is shown, marked.
    const compared = await Promise.all(
      documents
        .flatMap((document) => (document ? [document] : []))
        .map(async (document) => {
          const acceptedId = acceptedVersionId(status, document.kind);
          const previous =
            acceptedId && acceptedId !== document.id ? await readPolicyVersion({ id: acceptedId }) : null;
          return { document, previous, unchanged: acceptedId === document.id };
        }),
    );
    const changed = compared.filter((entry) => entry.previous);
    const required = status.purposes.filter((row) => row.purpose.required);
    const renewing = status.purposes.filter((row) => !row.purpose.required && row.needsReconsent);
    const isChange = required.some((row) => row.policyVersion !== null);

    return (
      <section className="space-y-6">
        <div className="rounded-xl bg-white p-8 shadow-sm">
          <h1 className="text-2xl font-bold">{isChange ? "Our terms have changed" : "Before you continue"}</h1>
          <p className="mt-2 text-slate-700">
            {isChange
              ? "We published new versions of the documents below. Please read them and accept them to keep using the service."
              : "Please read the documents below and accept them to use the service."}
          </p>
          {changed.length > 0 && (
            <section aria-labelledby="what-changed" className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-4">
              <h2 id="what-changed" className="font-semibold text-amber-950">
                What changed
              </h2>
              <ul className="mt-2 space-y-2 text-amber-950" data-testid="change-summaries">
                {changed.map(({ document, previous }) => (
                  <li key={document.id}>
                    <strong>
                      {document.title}, version {previous!.version} → {document.version}:
                    </strong>{" "}
                    {document.changeSummary ?? "See the changes marked in the text below."}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {required.map((row) =>
            row.policyVersion ? (
              <p key={row.purpose.key} className="mt-2 text-sm text-slate-600">
                You agreed to “{row.decidedWording?.title ?? row.purpose.title}” under version{" "}
                {row.policyVersion.version}
                {row.updatedAt ? ` on ${formatDate(row.updatedAt)}` : ""}.
              </p>
            ) : null,
          )}
          <h2 className="mt-6 text-lg font-semibold">What you agree to</h2>
          <ul className="mt-2 space-y-3" data-testid="gate-required-purposes">
            {required.map((row) => (
              <li key={row.purpose.key}>
                <span className="font-medium">{row.wording.title}</span>
                <span className="block text-slate-700">{row.wording.description}</span>
                {row.rewordedSinceDecision && <WhatChanged wording={row.wording} />}
              </li>
            ))}
          </ul>
        </div>
        {compared.map(({ document, previous, unchanged }) => (
          <article
            key={document.id}
            aria-labelledby={`doc-${document.id}`}
            className="rounded-xl bg-white p-8 shadow-sm"
          >
            <h2 id={`doc-${document.id}`} className="text-xl font-semibold">
              {document.title}, version {document.version}
            </h2>
            {previous ? (
              <>
                <p className="mt-2 text-sm text-slate-700">
                  The full text, with the changes since version {previous.version} (the one you accepted) marked:{" "}
                  <ins className="bg-green-100 text-green-950">added</ins> and{" "}
                  <del className="bg-red-100 text-red-950">removed</del>.
                </p>
                <section data-testid={`diff-${document.kind}`} aria-label={`Changes to the ${document.title}`}>
                  <TextDiff parts={diffWords(previous.text, document.text)} />
                </section>
                <details className="mt-4">
                  <summary className="cursor-pointer font-medium text-blue-800 underline">
                    Read version {document.version} as published
                  </summary>
                  <PolicyText text={document.text} />
                </details>
              </>
            ) : unchanged ? (
              <details className="mt-2">
                <summary className="cursor-pointer font-medium text-blue-800 underline">
                  Unchanged since you accepted it: read it again
                </summary>
                <PolicyText text={document.text} />
              </details>
            ) : (
              <PolicyText text={document.text} />
            )}
          </article>
        ))}
        <div className="rounded-xl bg-white p-8 shadow-sm">
          <ConsentGateForm
            idempotencyKey={randomUUID()}
            returnTo={returnTo}
            policyVersionIds={documents.flatMap((document) => (document ? [document.id] : []))}
            purposeVersionIds={[...required, ...renewing].map((row) => row.wording.id)}
            documents={documents.flatMap((document) =>
              document ? [`${document.title} (version ${document.version})`] : [],
            )}
            renewing={renewing.map(({ purpose, wording, rewordedSinceDecision }) => ({
              key: purpose.key,
              title: wording.title,
              description:
                rewordedSinceDecision && wording.changeSummary
                  ? `${wording.description} (Changed: ${wording.changeSummary})`
                  : wording.description,
            }))}
            leaveHref={required[0] ? `/me/consents/withdraw/${required[0].purpose.key}` : "/auth/logout"}
          />
        </div>
      </section>
    );
  },
);
