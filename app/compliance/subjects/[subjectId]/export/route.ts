import { NextResponse } from "next/server";
import { z } from "zod";
import { exportSubjectAudit } from "@/lib/compliance/export-subject-audit";
import { defineRoute } from "@/lib/http/define-route";

/** The subject's audit trail as one JSON file (logged as an export): state, history, chain, Auth0 side. */
export const GET = defineRoute(
  { role: "compliance", params: z.object({ subjectId: z.uuid() }) },
  async ({ actor, params }) => {
    const document = await exportSubjectAudit(params.subjectId, actor);
    return new NextResponse(JSON.stringify(document, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="subject-audit-${params.subjectId}.json"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
