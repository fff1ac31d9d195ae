import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { AUTH0_EXPORT_FIELDS } from "@/lib/exports/auth0-users-export";
import { listExportJobs } from "@/lib/exports/read-export-jobs";
import { ExportJobList } from "../export-job-list";
import { Auth0ExportForm } from "./auth0-export-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Auth0 users export" };

export default definePage({ role: "admin", returnTo: "/admin/auth0-export" }, async function Auth0ExportPage() {
  const jobs = await listExportJobs(["auth0_users"]);
  return (
    <section className="space-y-6">
      <PageHeader
        title="Auth0 users export"
        intro={
          <>
            Exports every user of the database connection from Auth0 through the Management API&apos;s users-export job,
            with the consent projection the portal keeps in <code>user_metadata.consent</code>. Auth0 prepares the file;
            the portal follows the job and downloads it for you (unzipped, or as Auth0&apos;s .gz). Unlike the ledger
            exports this file holds email addresses, so every download is written to the access log.
          </>
        }
      >
        <p className="mt-2 text-sm text-slate-600">
          Fields: {AUTH0_EXPORT_FIELDS.map((field) => field.export_as ?? field.name).join(", ")}. In the CSV, Auth0
          starts every cell with an apostrophe (<code>&apos;</code>) so that spreadsheets never run a cell as a formula;
          the NDJSON file has the plain values.
        </p>
      </PageHeader>
      <div className="rounded-xl bg-white p-6 shadow-sm">
        <Auth0ExportForm />
      </div>
      <Panel id="auth0-jobs" title="Export jobs" description="Auth0 keeps export jobs for 24 hours.">
        <ExportJobList
          jobs={jobs}
          basePath="/admin/auth0-export/jobs"
          label={(job) => `Auth0 users · ${job.format.toUpperCase()} · job ${job.auth0JobId ?? ""}`}
        />
      </Panel>
    </section>
  );
});
