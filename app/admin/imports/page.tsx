import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { definePage } from "@/lib/http/define-page";
import { readImportSummary } from "@/lib/imports/read-import-summary";
import { LegacyImportForm } from "./legacy-import-form";

export const metadata: Metadata = { title: "Legacy import" };

export default definePage({ role: "admin", returnTo: "/admin/imports" }, async function ImportsPage() {
  const summary = await readImportSummary();
  return (
    <section className="space-y-6">
      <PageHeader
        title="Legacy import"
        intro={
          <>
            Consent recorded in Auth0 before the portal (<code>user_metadata.consent</code>) becomes ledger events with
            method “migration”: the original date is kept as the decision&apos;s time and <code>text_details</code> as
            its evidence. Upload an Auth0 users export (NDJSON, one user per line; see Auth0 export). Uploading the same
            file again records nothing twice, so a cut-off upload is simply sent again.
          </>
        }
      />
      <p className="text-slate-700" data-testid="import-summary">
        {summary.events === 0
          ? "Nothing imported yet."
          : `The ledger holds ${summary.events} imported events for ${summary.people} people; the last import ran ${formatTime(summary.lastAt)}.`}
      </p>
      <Panel
        id="upload"
        title="Upload an export"
        description="Lines that cannot be read or recorded are listed with their number and the reason; they do not stop the import."
      >
        <div className="mt-4">
          <LegacyImportForm />
        </div>
      </Panel>
    </section>
  );
});
