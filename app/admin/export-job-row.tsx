"use client";

import { useEffect, useState } from "react";
import { formatTime } from "@/components/format-time";
import type { JobStatus } from "@/lib/exports/job-status";
import { numberFormat } from "./format";

const POLL_MS = 1_000;

function describe(job: JobStatus): { text: string; value: number | null; max: number } {
  if (job.status === "completed") {
    return { text: `Ready: ${numberFormat.format(job.rowsWritten)} rows.`, value: 1, max: 1 };
  }
  if (job.status === "failed") return { text: job.error ?? "The export failed.", value: 0, max: 1 };
  if (job.totalRows !== null && job.totalRows > 0) {
    const done = Math.min(job.rowsWritten, job.totalRows);
    const percent = Math.floor((done / job.totalRows) * 100);
    return {
      text: `${numberFormat.format(done)} of ${numberFormat.format(job.totalRows)} rows (${percent}%)`,
      value: done,
      max: job.totalRows,
    };
  }
  if (typeof job.percentageDone === "number") {
    return { text: `${job.percentageDone}% done`, value: job.percentageDone, max: 100 };
  }
  return { text: job.status === "pending" ? "Waiting to start…" : "Working…", value: null, max: 1 };
}

/**
 * One background export with a live progress bar (it asks the status route every second until
 * the job finishes), then its download links.
 */
export function ExportJobRow(props: {
  initial: JobStatus;
  label: string;
  statusUrl: string;
  downloadUrl: string;
  downloadLabel: string;
}) {
  const [job, setJob] = useState(props.initial);
  const finished = job.status === "completed" || job.status === "failed";
  useEffect(() => {
    if (finished) return;
    let stopped = false;
    const timer = setInterval(() => {
      fetch(props.statusUrl, { cache: "no-store" })
        .then((response) => (response.ok ? (response.json() as Promise<JobStatus>) : null))
        .then((next) => {
          if (next && !stopped) setJob(next);
        })
        .catch(() => undefined); // the next tick tries again
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [finished, props.statusUrl]);
  const progress = describe(job);
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid="export-job" data-status={job.status}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span className="font-medium">{props.label}</span>
        <span className="text-xs text-slate-600">started {formatTime(job.createdAt)}</span>
      </div>
      <progress
        className="mt-2 h-3 w-full"
        max={progress.max}
        {...(progress.value === null ? {} : { value: progress.value })}
        aria-label={`Progress of ${props.label}`}
      />
      <p
        className={`mt-1 text-sm ${job.status === "failed" ? "text-red-800" : "text-slate-700"}`}
        role="status"
        aria-live="polite"
      >
        {progress.text}
      </p>
      {job.status === "completed" && (
        <p className="mt-2 flex flex-wrap gap-4 text-sm">
          <a href={props.downloadUrl} className="font-medium text-blue-800 underline">
            {props.downloadLabel}
          </a>
          <a href={`${props.downloadUrl}?compressed=1`} className="font-medium text-blue-800 underline">
            Download as .gz
          </a>
        </p>
      )}
    </li>
  );
}
