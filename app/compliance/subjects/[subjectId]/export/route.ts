import { NextResponse } from "next/server";
import { z } from "zod";
import { readSubjectAudit } from "@/lib/compliance/read-subject-audit";
import { staffActorFromViewer } from "@/lib/compliance/staff-actor";
import { defineRoute } from "@/lib/http/define-route";

/** The subject's audit trail as one JSON file (logged as an export): state, history, chain, Auth0 side. */
export const GET = defineRoute(
  { role: "compliance", params: z.object({ subjectId: z.uuid() }) },
  async ({ viewer, params }) => {
    const audit = await readSubjectAudit(staffActorFromViewer(viewer), params.subjectId, { purpose: "export" });
    const document = {
      format: "consent-portal/subject-audit@1",
      generatedAt: new Date().toISOString(),
      generatedBy: viewer.userId,
      subject: audit.subject,
      chain: audit.chain,
      currentState: audit.status.purposes.map((row) => ({
        purpose: row.purpose.key,
        status: row.status,
        policyVersion: row.policyVersion ? { kind: row.policyVersion.kind, version: row.policyVersion.version } : null,
        since: row.updatedAt,
        eventId: row.eventId,
      })),
      history: audit.history,
      auth0: { ledgerImplies: audit.ledgerMetadata, ...audit.auth0 },
    };
    return new NextResponse(JSON.stringify(document, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="subject-audit-${params.subjectId}.json"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
