import type { Metadata } from "next";
import Link from "next/link";
import { ConsentStatusBadge } from "@/components/consent-status-badge";
import { subjectSearchSchema } from "@/lib/compliance/schemas";
import { searchSubjects, type SubjectSearchResult } from "@/lib/compliance/search-subjects";
import { isAppError } from "@/lib/errors";
import { fieldIssues } from "@/lib/http/validation";
import { listPurposes } from "@/lib/policies/list-purposes";
import { listPolicyVersions } from "@/lib/policies/read-policy-versions";
import { Field, inputClass } from "./field";
import { firstValues, POLICY_TITLES, utc } from "./format";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Compliance search" };

const CRITERIA = ["email", "auth0UserId", "subjectId", "purpose", "status", "policyVersionId", "from", "to"] as const;

const subjectHref = (id: string) => `/compliance/subjects/${id}`;

export default definePage(
  { role: "compliance", returnTo: "/compliance" },
  async function ComplianceSearchPage({ actor, ...props }) {
    const params = firstValues(await props.searchParams);
    const [purposes, versions] = await Promise.all([listPurposes(), listPolicyVersions()]);
    const asked = CRITERIA.some((key) => params[key]?.trim());

    let result: SubjectSearchResult | null = null;
    let fieldErrors: Record<string, string> = {};
    let failure: string | null = null;
    if (asked) {
      const parsed = subjectSearchSchema.safeParse(params);
      if (!parsed.success) {
        for (const issue of fieldIssues(parsed.error)) fieldErrors[issue.field] ??= issue.reason;
      } else {
        try {
          result = await searchSubjects(actor, params);
        } catch (error) {
          if (!isAppError(error)) throw error;
          if (error.field) fieldErrors = { [error.field]: error.message };
          else failure = error.message;
        }
      }
    }
    const nextHref = result?.nextCursor
      ? `/compliance?${new URLSearchParams({ ...params, cursor: result.nextCursor }).toString()}`
      : null;
    const firstPageHref = params.cursor
      ? `/compliance?${new URLSearchParams(Object.entries(params).filter(([key]) => key !== "cursor")).toString()}`
      : null;

    return (
      <section>
        <h1 className="text-2xl font-bold">Compliance search</h1>
        <p className="mt-2 max-w-prose text-slate-700">
          Find a person by an exact identifier, or filter everyone&apos;s current consent. Every search is written to
          the access log under your name.
        </p>

        <form method="get" action="/compliance" className="mt-6 space-y-6 rounded-xl bg-white p-6 shadow-sm" noValidate>
          <fieldset className="grid gap-4 sm:grid-cols-3">
            <legend className="mb-2 text-lg font-semibold">Find a person</legend>
            <Field id="email" label="Email (exact)" hint="Any letter case" error={fieldErrors.email}>
              {(described) => (
                <input
                  id="email"
                  name="email"
                  type="email"
                  defaultValue={params.email ?? ""}
                  className={inputClass}
                  {...described}
                />
              )}
            </Field>
            <Field id="auth0UserId" label="Auth0 user id" hint="e.g. auth0|64f0…" error={fieldErrors.auth0UserId}>
              {(described) => (
                <input
                  id="auth0UserId"
                  name="auth0UserId"
                  defaultValue={params.auth0UserId ?? ""}
                  className={inputClass}
                  {...described}
                />
              )}
            </Field>
            <Field id="subjectId" label="Subject id" hint="The ledger's pseudonymous id" error={fieldErrors.subjectId}>
              {(described) => (
                <input
                  id="subjectId"
                  name="subjectId"
                  defaultValue={params.subjectId ?? ""}
                  className={inputClass}
                  {...described}
                />
              )}
            </Field>
          </fieldset>

          <fieldset className="grid gap-4 sm:grid-cols-3">
            <legend className="mb-2 text-lg font-semibold">Filter current consent</legend>
            <Field id="purpose" label="Purpose" error={fieldErrors.purpose}>
              {(described) => (
                <select
                  id="purpose"
                  name="purpose"
                  defaultValue={params.purpose ?? ""}
                  className={inputClass}
                  {...described}
                >
                  <option value="">Any purpose</option>
                  {purposes.map((purpose) => (
                    <option key={purpose.id} value={purpose.key}>
                      {purpose.title}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="status" label="State" error={fieldErrors.status}>
              {(described) => (
                <select
                  id="status"
                  name="status"
                  defaultValue={params.status ?? ""}
                  className={inputClass}
                  {...described}
                >
                  <option value="">Any state</option>
                  <option value="granted">Given</option>
                  <option value="withdrawn">Withdrawn</option>
                </select>
              )}
            </Field>
            <Field id="policyVersionId" label="Policy version" error={fieldErrors.policyVersionId}>
              {(described) => (
                <select
                  id="policyVersionId"
                  name="policyVersionId"
                  defaultValue={params.policyVersionId ?? ""}
                  className={inputClass}
                  {...described}
                >
                  <option value="">Any version</option>
                  {versions.map((version) => (
                    <option key={version.id} value={version.id}>
                      {POLICY_TITLES[version.kind]} version {version.version}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="from" label="Decided from" hint="Day of the current decision (UTC)" error={fieldErrors.from}>
              {(described) => (
                <input
                  id="from"
                  name="from"
                  type="date"
                  defaultValue={params.from ?? ""}
                  className={inputClass}
                  {...described}
                />
              )}
            </Field>
            <Field id="to" label="Decided until" hint="Inclusive" error={fieldErrors.to}>
              {(described) => (
                <input
                  id="to"
                  name="to"
                  type="date"
                  defaultValue={params.to ?? ""}
                  className={inputClass}
                  {...described}
                />
              )}
            </Field>
          </fieldset>
          <button type="submit" className="rounded-md bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800">
            Search
          </button>
        </form>

        {failure && (
          <p role="alert" className="mt-6 rounded-md border border-red-200 bg-red-50 p-3 text-red-900">
            {failure}
          </p>
        )}
        {result && <SearchResults result={result} nextHref={nextHref} firstPageHref={firstPageHref} />}
      </section>
    );
  },
);

function SearchResults({
  result,
  nextHref,
  firstPageHref,
}: {
  result: SubjectSearchResult;
  nextHref: string | null;
  firstPageHref: string | null;
}) {
  const nothing = result.subjects.length === 0 && result.states.length === 0 && result.auth0Only.length === 0;
  return (
    <section aria-labelledby="results-heading" className="mt-8">
      <h2 id="results-heading" className="text-xl font-semibold">
        Results
      </h2>
      {result.auth0Unavailable && (
        <p role="alert" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          Nobody in the ledger has this email, and Auth0 could not be asked right now. Try again shortly.
        </p>
      )}
      {nothing && !result.auth0Unavailable && <p className="mt-3 text-slate-700">No one matches this search.</p>}

      {result.subjects.length > 0 && (
        <ul className="mt-4 space-y-4">
          {result.subjects.map((subject) => (
            <li key={subject.id} className="rounded-xl bg-white p-5 shadow-sm" data-testid="subject-result">
              <h3 className="text-lg font-semibold">
                <Link prefetch={false} href={subjectHref(subject.id)} className="text-blue-800 underline">
                  {subject.email ?? "Erased subject"}
                </Link>
                {subject.erasedAt && <span className="ml-2 text-sm font-normal text-slate-600">(erased)</span>}
              </h3>
              <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-600">Subject id</dt>
                <dd className="font-mono break-all">{subject.id}</dd>
                <dt className="text-slate-600">Auth0 user id</dt>
                <dd className="font-mono break-all">{subject.auth0UserId ?? "—"}</dd>
                <dt className="text-slate-600">In the ledger since</dt>
                <dd>{utc(subject.createdAt)}</dd>
              </dl>
              {subject.states.length === 0 ? (
                <p className="mt-3 text-sm text-slate-700">No consent decisions recorded yet.</p>
              ) : (
                <table className="mt-3 w-full text-left text-sm">
                  <caption className="sr-only">Current consent of {subject.email ?? subject.id}</caption>
                  <thead>
                    <tr className="border-b border-slate-200 text-slate-600">
                      <th scope="col" className="py-1 pr-3 font-medium">
                        Purpose
                      </th>
                      <th scope="col" className="py-1 pr-3 font-medium">
                        State
                      </th>
                      <th scope="col" className="py-1 pr-3 font-medium">
                        Version
                      </th>
                      <th scope="col" className="py-1 font-medium">
                        Since
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {subject.states.map((state) => (
                      <tr key={state.purposeId} className="border-b border-slate-100">
                        <td className="py-1 pr-3">{state.purposeTitle}</td>
                        <td className="py-1 pr-3">
                          <ConsentStatusBadge status={state.status} />
                        </td>
                        <td className="py-1 pr-3">
                          {state.policyVersion
                            ? `${POLICY_TITLES[state.policyVersion.kind]} v${state.policyVersion.version}`
                            : "—"}
                        </td>
                        <td className="py-1">{utc(state.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          ))}
        </ul>
      )}

      {result.auth0Only.length > 0 && (
        <div className="mt-4 space-y-4">
          {result.auth0Only.map((person) => (
            <article
              key={person.userId}
              className="rounded-xl border border-amber-300 bg-white p-5 shadow-sm"
              data-testid="auth0-only-result"
            >
              <h3 className="text-lg font-semibold">{person.email}</h3>
              <p className="mt-1 text-sm text-amber-950">
                Known to Auth0 but not to the ledger: there is no proof of consent for this person yet, only what Auth0
                holds in <code>user_metadata.consent</code>.
              </p>
              <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                <dt className="text-slate-600">Auth0 user id</dt>
                <dd className="font-mono break-all">{person.userId}</dd>
                <dt className="text-slate-600">Created in Auth0</dt>
                <dd>{utc(person.createdAt)}</dd>
                <dt className="text-slate-600">Flagged as deleted</dt>
                <dd>{person.flaggedDeleted ? "Yes" : "No"}</dd>
              </dl>
              <h4 className="mt-3 text-sm font-semibold">Legacy consent metadata</h4>
              {person.consentMetadata === null ? (
                <p className="text-sm text-slate-700">None.</p>
              ) : (
                <pre
                  className="mt-1 rounded-md bg-slate-100 p-3 text-sm whitespace-pre-wrap"
                  data-testid="legacy-consent"
                >
                  {JSON.stringify(person.consentMetadata, null, 2)}
                </pre>
              )}
            </article>
          ))}
        </div>
      )}

      {result.states.length > 0 && (
        <table className="mt-4 w-full rounded-xl bg-white text-left text-sm shadow-sm">
          <caption className="sr-only">Current consent matching the filters, newest decision first</caption>
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th scope="col" className="px-3 py-2 font-medium">
                Person
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Purpose
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                State
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Version
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Since
              </th>
            </tr>
          </thead>
          <tbody>
            {result.states.map((state) => (
              <tr
                key={`${state.subjectId}/${state.purposeId}`}
                className="border-b border-slate-100"
                data-testid="state-result"
              >
                <td className="px-3 py-2 break-all">
                  <Link prefetch={false} href={subjectHref(state.subjectId)} className="text-blue-800 underline">
                    {state.email ?? (state.erased ? "Erased subject" : state.subjectId)}
                  </Link>
                </td>
                <td className="px-3 py-2">{state.purposeTitle}</td>
                <td className="px-3 py-2">
                  <ConsentStatusBadge status={state.status} />
                </td>
                <td className="px-3 py-2">
                  {state.policyVersion
                    ? `${POLICY_TITLES[state.policyVersion.kind]} v${state.policyVersion.version}`
                    : "—"}
                </td>
                <td className="px-3 py-2">{utc(state.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(nextHref || firstPageHref) && (
        <nav aria-label="Result pages" className="mt-4 flex gap-4">
          {firstPageHref && (
            <Link prefetch={false} href={firstPageHref} className="font-medium text-blue-800 underline">
              First page
            </Link>
          )}
          {nextHref && (
            <Link prefetch={false} href={nextHref} className="font-medium text-blue-800 underline">
              Next page
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}
