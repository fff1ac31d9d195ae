import { z } from "zod";
import { openExportJobFile } from "@/lib/exports/open-export-job-file";
import { defineRoute } from "@/lib/http/define-route";
import { downloadResponse } from "@/lib/http/download-response";

/** GET /admin/exports/jobs/:id/download[?compressed=1] — the finished file (written to the access log). */
export const GET = defineRoute(
  {
    role: "admin",
    params: z.object({ id: z.uuid() }),
    query: z.object({ compressed: z.enum(["1"]).optional() }),
  },
  async ({ actor, params, query }) => {
    const file = await openExportJobFile({ jobId: params.id, compressed: query.compressed === "1" }, actor);
    return downloadResponse(file);
  },
);
