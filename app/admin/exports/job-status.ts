import "server-only";
import type { ExportJobView } from "@/lib/exports/read-export-jobs";
import type { JobStatus } from "../export-job-row";

/** What the browser needs to show a job's progress. */
export function toJobStatus(job: ExportJobView, percentageDone: number | null = null): JobStatus {
  return {
    id: job.id,
    status: job.status,
    totalRows: job.totalRows,
    rowsWritten: job.rowsWritten,
    percentageDone,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
  };
}
