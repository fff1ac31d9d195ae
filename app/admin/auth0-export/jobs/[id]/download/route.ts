import { z } from "zod";
import { openAuth0UsersExportFile } from "@/lib/exports/auth0-users-export";
import { defineRoute } from "@/lib/http/define-route";
import { downloadResponse } from "@/lib/http/download-response";

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
  async ({ actor, params, query }) => {
    const file = await openAuth0UsersExportFile({ jobId: params.id, compressed: query.compressed === "1" }, actor);
    return downloadResponse(file);
  },
);
