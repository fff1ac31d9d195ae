import Link from "next/link";
import { ConsentStatusBadge } from "@/components/consent-status-badge";
import { DataTable, type Column } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { policyVersionLabel } from "@/components/policy-kind";
import type { StateHit, StateSummary } from "@/lib/compliance/search-subjects";
import { subjectHref } from "./format";

const STATE_COLUMNS: Array<Column<StateSummary>> = [
  { header: "Purpose", cell: (state) => state.purposeTitle },
  { header: "State", cell: (state) => <ConsentStatusBadge status={state.status} /> },
  {
    header: "Version",
    cell: (state) => (state.policyVersion ? policyVersionLabel(state.policyVersion, "short") : "—"),
  },
  { header: "Since", cell: (state) => formatTime(state.updatedAt) },
];

const PERSON_COLUMN: Column<StateHit> = {
  header: "Person",
  className: "break-all",
  cell: (state) => (
    <Link prefetch={false} href={subjectHref(state.subjectId)} className="text-blue-800 underline">
      {state.email ?? (state.erased ? "Erased subject" : state.subjectId)}
    </Link>
  ),
};

/** Current consent per purpose: one person's (in their card), or everyone's that a filter matched. */
export function StateTable(
  props: { caption: string; states: StateSummary[] } | { caption: string; states: StateHit[]; withPerson: true },
) {
  return "withPerson" in props ? (
    <DataTable
      caption={props.caption}
      columns={[PERSON_COLUMN, ...STATE_COLUMNS]}
      rows={props.states}
      rowKey={(state) => `${state.subjectId}/${state.purposeId}`}
      rowProps={() => ({ "data-testid": "state-result" })}
      className="mt-4 rounded-xl bg-white shadow-sm"
    />
  ) : (
    <DataTable
      caption={props.caption}
      columns={STATE_COLUMNS}
      rows={props.states}
      rowKey={(state) => state.purposeId}
      density="compact"
      className="mt-3"
    />
  );
}
