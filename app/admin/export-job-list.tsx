import type { ExportJobView } from "@/lib/exports/read-export-jobs";
import { ExportJobRow } from "./export-job-row";
import { toJobStatus } from "@/lib/exports/job-status";

/** Background export jobs, each following its status route (`<basePath>/<id>`) until it is done. */
export function ExportJobList({
  jobs,
  basePath,
  label,
}: {
  jobs: ExportJobView[];
  basePath: string;
  label: (job: ExportJobView) => string;
}) {
  if (jobs.length === 0) return <p className="mt-2 text-slate-700">None yet.</p>;
  return (
    <ul className="mt-3 space-y-3">
      {jobs.map((job) => (
        <ExportJobRow
          key={job.id}
          initial={toJobStatus(job)}
          label={label(job)}
          statusUrl={`${basePath}/${job.id}`}
          downloadUrl={`${basePath}/${job.id}/download`}
          downloadLabel={`Download ${job.format.toUpperCase()}`}
        />
      ))}
    </ul>
  );
}
