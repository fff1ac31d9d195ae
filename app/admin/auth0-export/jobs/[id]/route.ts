import { NextResponse } from "next/server";
import { z } from "zod";
import { refreshAuth0UsersExport } from "@/lib/exports/auth0-users-export";
import { defineRoute } from "@/lib/http/define-route";
import { toJobStatus } from "@/lib/exports/job-status";

/** GET /admin/auth0-export/jobs/:id — asks Auth0 how its export job is doing. */
export const GET = defineRoute({ role: "admin", params: z.object({ id: z.uuid() }) }, async ({ params }) => {
  const progress = await refreshAuth0UsersExport(params.id);
  return NextResponse.json(toJobStatus(progress.job, progress.percentageDone), {
    headers: { "cache-control": "no-store" },
  });
});
