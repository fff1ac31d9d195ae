import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { formatDate } from "@/components/format-time";
import { PolicyText } from "@/components/policy-text";
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
        {documents.map((document) =>
          document ? (
            <article
              key={document.id}
              aria-labelledby={`doc-${document.id}`}
              className="max-h-96 overflow-y-auto rounded-xl bg-white p-8 shadow-sm"
              tabIndex={0}
            >
              <h2 id={`doc-${document.id}`} className="text-xl font-semibold">
                {document.title}, version {document.version}
              </h2>
              <PolicyText text={document.text} />
            </article>
          ) : null,
        )}
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
