import { DataTable } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { Panel } from "@/components/panel";
import type { PurposeVersionRow } from "@/lib/admin/read-purpose-versions";
import { StaffName } from "@/components/staff-name";

/** A purpose's published wordings, newest first, with how many current consents each one carries. */
export function PurposeVersionHistory({
  versions,
  staffEmails,
}: {
  versions: PurposeVersionRow[];
  /** Publishers' emails from the staff directory (ADR 041). */
  staffEmails: ReadonlyMap<string, string>;
}) {
  return (
    <Panel
      id="versions"
      title="Version history"
      description="Every wording people have been shown. Published versions never change; decisions recorded before wording was versioned count under version 1."
    >
      <div className="mt-4 overflow-x-auto">
        <DataTable
          density="compact"
          rows={versions}
          rowKey={(version) => version.id}
          columns={[
            { header: "Version", rowHeader: true, cell: (version) => version.version, className: "tabular-nums" },
            {
              header: "Wording",
              cell: (version) => (
                <>
                  <span className="font-medium">{version.title}</span>
                  <span className="block text-slate-700">{version.description}</span>
                  {version.changeSummary && (
                    <span className="block text-slate-600">What changed: {version.changeSummary}</span>
                  )}
                  <span className="block font-mono text-xs break-all text-slate-500">SHA-256 {version.textSha256}</span>
                </>
              ),
            },
            {
              header: "Change",
              cell: (version) =>
                version.version === 1 ? "First" : version.requiresReconsent ? "Requires re-consent" : "Editorial",
            },
            {
              header: "Published",
              cell: (version) => (
                <>
                  {formatTime(version.publishedAt)}
                  <span className="block text-slate-600 break-all">
                    {version.publishedBy ? (
                      <StaffName id={version.publishedBy} emails={staffEmails} />
                    ) : (
                      "when versions began"
                    )}
                  </span>
                </>
              ),
            },
            {
              header: "Consenting under it now",
              cell: (version) => version.grantedNow,
              className: "tabular-nums",
            },
          ]}
        />
      </div>
    </Panel>
  );
}
