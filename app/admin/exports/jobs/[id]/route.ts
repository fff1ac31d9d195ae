import { NextResponse } from "next/server";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { toJobStatus } from "@/lib/exports/job-status";
import { readExportJob } from "@/lib/exports/read-export-jobs";
import { defineRoute } from "@/lib/http/define-route";

/** GET /admin/exports/jobs/:id — a background export's progress (polled by the exports page). */
export const GET = defineRoute({ role: "admin", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  const job = await readExportJob(params.id);
  if (!job || job.dataset === "auth0_users") throw new AppError("not_found", "No such export.");
  return NextResponse.json(toJobStatus(job), { headers: { "cache-control": "no-store" } });
});
