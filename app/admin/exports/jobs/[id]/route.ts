import { NextResponse } from "next/server";
import { after } from "next/server";
import { z } from "zod";
import { requireRole } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { readExportJob } from "@/lib/exports/read-export-jobs";
import { findStalledExportJobs, runLedgerExportJob } from "@/lib/exports/run-ledger-export-job";
import { defineRoute } from "@/lib/http/define-route";
import { logger } from "@/lib/logger";
import { toJobStatus } from "../../job-status";

/** GET /admin/exports/jobs/:id — a background export's progress (polled by the exports page). */
export const GET = defineRoute({ role: "admin", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  await requireRole("admin", "/admin/exports");
  // A job whose process died is taken over by whoever looks at it.
  for (const stalled of await findStalledExportJobs()) {
    after(() => runLedgerExportJob(stalled).catch((error: unknown) => logger.error({ err: error }, "export job")));
  }
  const job = await readExportJob(params.id);
  if (!job || job.dataset === "auth0_users") throw new AppError("not_found", "No such export.");
  return NextResponse.json(toJobStatus(job), { headers: { "cache-control": "no-store" } });
});
