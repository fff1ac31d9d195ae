import type { Metadata } from "next";
import Link from "next/link";
import { Notice } from "@/components/notice";
import { PageHeader } from "@/components/page-header";
import { subjectSearchSchema } from "@/lib/compliance/schemas";
import { searchSubjects, type SubjectSearchResult } from "@/lib/compliance/search-subjects";
import { isAppError } from "@/lib/errors";
import { fieldIssues } from "@/lib/http/validation";
import { listPurposes } from "@/lib/policies/list-purposes";
import { listPolicyVersions } from "@/lib/policies/read-policy-versions";
import { Auth0OnlyCard } from "./auth0-only-card";
import { firstValues } from "./format";
import { SearchForm } from "./search-form";
import { StateTable } from "./state-table";
import { SubjectCard } from "./subject-card";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Compliance search" };

const CRITERIA = ["email", "auth0UserId", "subjectId", "purpose", "status", "policyVersionId", "from", "to"] as const;

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
        <PageHeader
          title="Compliance search"
          intro="Find a person by an exact identifier, or filter everyone's current consent. Every search is written to the access log under your name."
        />

        <SearchForm params={params} fieldErrors={fieldErrors} purposes={purposes} versions={versions} />

        {failure && (
          <Notice tone="error" role="alert" className="mt-6">
            {failure}
          </Notice>
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
        <Notice tone="warning" role="alert" className="mt-3">
          Nobody in the ledger has this email, and Auth0 could not be asked right now. Try again shortly.
        </Notice>
      )}
      {nothing && !result.auth0Unavailable && <p className="mt-3 text-slate-700">No one matches this search.</p>}

      {result.subjects.length > 0 && (
        <ul className="mt-4 space-y-4">
          {result.subjects.map((subject) => (
            <SubjectCard key={subject.id} subject={subject} />
          ))}
        </ul>
      )}
      {result.auth0Only.length > 0 && (
        <div className="mt-4 space-y-4">
          {result.auth0Only.map((person) => (
            <Auth0OnlyCard key={person.userId} person={person} />
          ))}
        </div>
      )}
      {result.states.length > 0 && (
        <StateTable
          caption="Current consent matching the filters, newest decision first"
          states={result.states}
          withPerson
        />
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
