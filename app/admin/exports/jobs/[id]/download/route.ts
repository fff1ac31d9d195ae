import { z } from "zod";
import { requireRole } from "@/lib/auth/viewer";
import { openExportJobFile } from "@/lib/exports/open-export-job-file";
import { defineRoute } from "@/lib/http/define-route";
import { downloadResponse } from "../../../../export-response";

/** GET /admin/exports/jobs/:id/download[?compressed=1] — the finished file (written to the access log). */
export const GET = defineRoute(
  {
    role: "admin",
    params: z.object({ id: z.uuid() }),
    query: z.object({ compressed: z.enum(["1"]).optional() }),
  },
  async ({ params, query }) => {
    const viewer = await requireRole("admin", "/admin/exports");
    const file = await openExportJobFile({
      jobId: params.id,
      actor: { id: viewer.userId, role: "admin" },
      compressed: query.compressed === "1",
    });
    return downloadResponse(file);
  },
);
