"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect, useState } from "react";
import { FormStatus } from "@/components/form-status";
import { SubmitButton } from "@/components/submit-button";
import type { VerificationJob } from "@/lib/compliance/ledger-verification-job";
import { IDLE } from "@/lib/http/action-state";
import { startVerificationAction } from "./actions";

const POLL_MS = 400;

/** The "verify now" button and the progress of the running verification (polled while it runs). */
export function VerificationRunner({ initialJob }: { initialJob: VerificationJob | null }) {
  const [state, action] = useActionState(startVerificationAction, IDLE);
  const [job, setJob] = useState(initialJob);
  const router = useRouter();
  const running = job?.status === "running";

  useEffect(() => {
    if (state.status !== "success" && !running) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const response = await fetch("/compliance/integrity/status", { cache: "no-store" });
      if (cancelled || !response.ok) return;
      const next = ((await response.json()) as { job: VerificationJob | null }).job;
      if (cancelled) return;
      setJob(next);
      if (next?.status === "running") timer = setTimeout(() => void poll(), POLL_MS);
      else router.refresh(); // the server part shows the recorded result
    };
    void poll();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [state, running, router]);

  const total = job?.totalEvents ?? 0;
  const processed = job?.processedEvents ?? 0;
  const logTotal = job?.totalLogEntries ?? 0;
  const logRead = job?.readLogEntries ?? 0;
  // The log is read first, then the chains: one bar over both.
  const work = total + logTotal;
  const percent = job?.status === "done" ? 100 : work > 0 ? Math.floor(((processed + logRead) / work) * 100) : 0;

  return (
    <div className="space-y-4">
      <form action={action}>
        <SubmitButton pendingText="Starting…">Verify the whole ledger now</SubmitButton>
      </form>
      <FormStatus state={state} />
      {job && (
        <div className="space-y-2" data-testid="verification-progress">
          <label htmlFor="verification-bar" className="block font-medium">
            {job.status === "running"
              ? `Verifying: ${percent}%`
              : job.status === "done"
                ? "Verification finished: 100%"
                : "Verification failed"}
          </label>
          <progress
            id="verification-bar"
            max={100}
            value={percent}
            className="h-4 w-full overflow-hidden rounded bg-slate-200 accent-blue-700"
          >
            {percent}%
          </progress>
          <p className="text-sm text-slate-700" aria-live="polite">
            {logRead.toLocaleString("en")} of {logTotal.toLocaleString("en")} log entries read;{" "}
            {processed.toLocaleString("en")} of {total.toLocaleString("en")} events, {job.subjects.toLocaleString("en")}{" "}
            subjects checked.
            {job.status === "done" && job.result && (
              <strong data-testid="verification-outcome" className="ml-1">
                {job.result.ok
                  ? "Every chain verifies."
                  : `Broken: subject ${job.result.firstBroken?.subjectId}, event ${job.result.firstBroken?.seq}.`}
              </strong>
            )}
            {job.status === "failed" && <strong className="ml-1">{job.error}</strong>}
          </p>
        </div>
      )}
    </div>
  );
}
