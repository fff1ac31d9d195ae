import type { ExportJobView } from "./read-export-jobs";

/** An export job as its status route returns it and the exports pages show it. */
export interface JobStatus {
  id: string;
  status: "pending" | "running" | "completed" | "failed";
  totalRows: number | null;
  rowsWritten: number;
  /** Auth0's own estimate for its export jobs. */
  percentageDone?: number | null;
  error: string | null;
  createdAt: string;
}

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
