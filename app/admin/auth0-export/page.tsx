import type { Metadata } from "next";
import { AUTH0_EXPORT_FIELDS } from "@/lib/exports/auth0-users-export";
import { listExportJobs } from "@/lib/exports/read-export-jobs";
import { ExportJobRow } from "../export-job-row";
import { toJobStatus } from "@/lib/exports/job-status";
import { Auth0ExportForm } from "./auth0-export-form";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "Auth0 users export" };

export default definePage({ role: "admin", returnTo: "/admin/auth0-export" }, async function Auth0ExportPage() {
  const jobs = await listExportJobs(["auth0_users"]);
  return (
    <section className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Auth0 users export</h1>
        <p className="mt-1 max-w-prose text-slate-700">
          Exports every user of the database connection from Auth0 through the Management API&apos;s users-export job,
          with the consent projection the portal keeps in <code>user_metadata.consent</code>. Auth0 prepares the file;
          the portal follows the job and downloads it for you (unzipped, or as Auth0&apos;s .gz). Unlike the ledger
          exports this file holds email addresses, so every download is written to the access log.
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Fields: {AUTH0_EXPORT_FIELDS.map((field) => field.export_as ?? field.name).join(", ")}.
        </p>
      </div>
      <div className="rounded-xl bg-white p-6 shadow-sm">
        <Auth0ExportForm />
      </div>
      <section aria-labelledby="auth0-jobs-heading" className="rounded-xl bg-white p-6 shadow-sm">
        <h2 id="auth0-jobs-heading" className="text-lg font-semibold">
          Export jobs
        </h2>
        <p className="mt-1 text-sm text-slate-600">Auth0 keeps export jobs for 24 hours.</p>
        {jobs.length === 0 ? (
          <p className="mt-2 text-slate-700">None yet.</p>
        ) : (
          <ul className="mt-3 space-y-3">
            {jobs.map((job) => (
              <ExportJobRow
                key={job.id}
                initial={toJobStatus(job)}
                label={`Auth0 users · ${job.format.toUpperCase()} · job ${job.auth0JobId ?? ""}`}
                statusUrl={`/admin/auth0-export/jobs/${job.id}`}
                downloadUrl={`/admin/auth0-export/jobs/${job.id}/download`}
                downloadLabel={`Download ${job.format.toUpperCase()}`}
              />
            ))}
          </ul>
        )}
      </section>
    </section>
  );
});
