import Link from "next/link";
import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { ConsentStatusBadge } from "@/components/consent-status-badge";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { requirePerson } from "@/lib/subjects/require-person";
import { ConsentToggle } from "./consent-toggle";
import { ResendVerificationLink } from "./resend-verification-link";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "My consents" };

export default definePage({ role: "user", returnTo: "/me/consents" }, async function MyConsentsPage({ actor }) {
  const { subject, status } = await requirePerson(actor, "/me/consents");
  const pending = status.purposes.filter((row) => row.status === "pending");
  const policyVersionIds = Object.values(status.currentPolicies).flatMap((version) => (version ? [version.id] : []));
  return (
    <section>
      <PageHeader
        title="My consents"
        intro="What you have agreed to, under which version and when. You can change each one at any time."
      />
      {pending.length > 0 && !subject.emailVerifiedAt && (
        <div
          role="status"
          className="mt-6 rounded-xl border border-sky-200 bg-sky-50 p-6 text-sky-950"
          data-testid="email-confirmation-notice"
        >
          <h2 className="text-lg font-semibold">Please confirm your email address</h2>
          <p className="mt-1 max-w-prose">
            You asked for {pending.map((row) => `“${row.purpose.title}”`).join(", ")}. Before we email you, we need to
            know that {subject.email ? <strong className="break-all">{subject.email}</strong> : "this address"} is
            yours: follow the link in the email we sent you. Until then, this consent is not given and we send you
            nothing.
          </p>
          <ResendVerificationLink />
        </div>
      )}
      <ul className="mt-6 space-y-4">
        {status.purposes.map((row) => {
          // A pending request can be withdrawn like a consent (ADR 040).
          const granted = row.status === "granted" || row.status === "pending";
          const policy = status.currentPolicies[row.purpose.policyKind];
          return (
            <li
              key={row.purpose.key}
              className="rounded-xl bg-white p-6 shadow-sm"
              data-testid={`purpose-${row.purpose.key}`}
            >
              <div className="flex flex-wrap items-start justify-between gap-4">
                <div className="max-w-prose">
                  <h2 className="text-lg font-semibold">
                    {row.purpose.title}
                    {row.purpose.required && (
                      <span className="ml-2 text-sm font-normal text-slate-600">(required)</span>
                    )}
                  </h2>
                  <p className="mt-1 text-slate-700">{row.purpose.description}</p>
                  <p className="mt-2 text-sm text-slate-600">
                    <ConsentStatusBadge status={row.status} />
                    {row.updatedAt && (
                      <>
                        {" "}
                        since {formatTime(row.updatedAt)}
                        {row.policyVersion && (
                          <>
                            , under{" "}
                            <a
                              className="text-blue-800 underline"
                              href={`/policies/${row.policyVersion.kind}/${encodeURIComponent(row.policyVersion.version)}`}
                            >
                              {row.policyVersion.title} version {row.policyVersion.version}
                            </a>
                          </>
                        )}
                      </>
                    )}
                  </p>
                  {!granted && policy && (
                    <p className="mt-1 text-sm text-slate-600">
                      Giving consent means agreeing under{" "}
                      <a className="text-blue-800 underline" href={`/policies/${policy.kind}`}>
                        {policy.title} version {policy.version}
                      </a>
                      .
                    </p>
                  )}
                </div>
                <ConsentToggle
                  purposeKey={row.purpose.key}
                  purposeTitle={row.purpose.title}
                  granted={granted}
                  policyVersionIds={policyVersionIds}
                  idempotencyKey={randomUUID()}
                />
              </div>
            </li>
          );
        })}
      </ul>
      <p className="mt-8 text-sm text-slate-700">
        Want to leave altogether?{" "}
        <Link className="font-medium text-blue-800 underline" href="/me/delete">
          Delete my account
        </Link>{" "}
        withdraws every consent and destroys your email address and name.
      </p>
    </section>
  );
});
