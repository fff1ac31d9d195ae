import Link from "next/link";
import { DefinitionList } from "@/components/definition-list";
import { formatTime } from "@/components/format-time";
import type { SubjectHit } from "@/lib/compliance/search-subjects";
import { subjectHref } from "./format";
import { StateTable } from "./state-table";

/** A person found by an identifier: who they are in the ledger, and their current consent. */
export function SubjectCard({ subject }: { subject: SubjectHit }) {
  return (
    <li className="rounded-xl bg-white p-5 shadow-sm" data-testid="subject-result">
      <h3 className="text-lg font-semibold">
        <Link prefetch={false} href={subjectHref(subject.id)} className="text-blue-800 underline">
          {subject.email ?? "Erased subject"}
        </Link>
        {subject.erasedAt && <span className="ml-2 text-sm font-normal text-slate-600">(erased)</span>}
      </h3>
      <DefinitionList
        className="mt-2"
        items={[
          { term: "Subject id", value: subject.id, mono: true },
          { term: "Auth0 user id", value: subject.auth0UserId ?? "—", mono: true },
          { term: "In the ledger since", value: formatTime(subject.createdAt) },
        ]}
      />
      {subject.states.length === 0 ? (
        <p className="mt-3 text-sm text-slate-700">No consent decisions recorded yet.</p>
      ) : (
        <StateTable caption={`Current consent of ${subject.email ?? subject.id}`} states={subject.states} />
      )}
    </li>
  );
}
