import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import type { Auth0Person } from "@/lib/compliance/auth0-directory";

/** Someone Auth0 knows by the searched email but the ledger does not, with their legacy consent metadata. */
export function Auth0OnlyCard({ person }: { person: Auth0Person }) {
  return (
    <article className="rounded-xl border border-amber-300 bg-white p-5 shadow-sm" data-testid="auth0-only-result">
      <h3 className="text-lg font-semibold">{person.email}</h3>
      <p className="mt-1 text-sm text-amber-950">
        Known to Auth0 but not to the ledger: there is no proof of consent for this person yet, only what Auth0 holds in{" "}
        <code>user_metadata.consent</code>.
      </p>
      <DefinitionList
        className="mt-2"
        items={[
          { term: "Auth0 user id", value: person.userId, mono: true },
          { term: "Created in Auth0", value: formatTime(person.createdAt) },
          { term: "Flagged as deleted", value: person.flaggedDeleted ? "Yes" : "No" },
        ]}
      />
      <h4 className="mt-3 text-sm font-semibold">Legacy consent metadata</h4>
      {person.consentMetadata === null ? (
        <p className="text-sm text-slate-700">None.</p>
      ) : (
        <pre className="mt-1 rounded-md bg-slate-100 p-3 text-sm whitespace-pre-wrap" data-testid="legacy-consent">
          {JSON.stringify(person.consentMetadata, null, 2)}
        </pre>
      )}
    </article>
  );
}
