import { NextResponse } from "next/server";
import { z } from "zod";
import { issueStaffReceipt } from "@/lib/compliance/issue-staff-receipt";
import { staffActorFromViewer } from "@/lib/compliance/staff-actor";
import { env } from "@/lib/env";
import { defineRoute } from "@/lib/http/define-route";

/** A subject's signed receipt for one decision, for staff (logged as an export). */
export const GET = defineRoute(
  { role: "compliance", params: z.object({ subjectId: z.uuid(), eventId: z.uuid() }) },
  async ({ viewer, params }) => {
    const issued = await issueStaffReceipt(staffActorFromViewer(viewer), params.subjectId, params.eventId);
    const file = {
      receipt: issued.receipt,
      jws: issued.jws,
      verify: {
        jwks: new URL("/api/receipts/jwks", env().APP_BASE_URL).toString(),
        how: "Verify `jws` (EdDSA/Ed25519) with the key in `jwks` whose kid matches; its payload must equal `receipt`.",
      },
    };
    return new NextResponse(JSON.stringify(file, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="consent-receipt-${params.eventId}.json"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
