import { z } from "zod";
import { requireRole } from "@/lib/auth/viewer";
import { openAuth0UsersExportFile } from "@/lib/exports/auth0-users-export";
import { defineRoute } from "@/lib/http/define-route";
import { downloadResponse } from "../../../../export-response";

/**
 * GET /admin/auth0-export/jobs/:id/download[?compressed=1] — Auth0's file, fetched by the server
 * from the job's short-lived location and passed on gunzipped (or as the .gz).
 */
export const GET = defineRoute(
  {
    role: "admin",
    params: z.object({ id: z.uuid() }),
    query: z.object({ compressed: z.enum(["1"]).optional() }),
  },
  async ({ params, query }) => {
    const viewer = await requireRole("admin", "/admin/auth0-export");
    const file = await openAuth0UsersExportFile({
      jobId: params.id,
      actor: { id: viewer.userId, role: "admin" },
      compressed: query.compressed === "1",
    });
    return downloadResponse(file);
  },
);
