import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { definePage } from "@/lib/http/define-page";
import { LegacyImportForm } from "./legacy-import-form";

export const metadata: Metadata = { title: "Legacy import" };

export default definePage({ role: "admin", returnTo: "/admin/imports" }, function ImportsPage() {
  // Nothing to read before the upload: the report comes from the upload's answer.
  return Promise.resolve(
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
      <Panel
        id="upload"
        title="Upload an export"
        description="Lines that cannot be read or recorded are listed with their number and the reason; they do not stop the import."
      >
        <div className="mt-4">
          <LegacyImportForm />
        </div>
      </Panel>
    </section>,
  );
});
