import { NextResponse } from "next/server";
import { z } from "zod";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { readConsentEvent } from "@/lib/ledger/read-consent-events";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { defineRoute, jsonError } from "@/lib/http/define-route";
import { env } from "@/lib/env";

/** A person's own signed receipt, as a JSON file. Another subject's event is simply not found. */
export const GET = defineRoute(
  { role: "user", params: z.object({ eventId: z.uuid() }) },
  async ({ viewer, params }) => {
    const subject = await ensureSubject({ auth0UserId: viewer.userId, email: viewer.email, name: viewer.name });
    const event = await readConsentEvent(params.eventId);
    if (!event || event.subjectId !== subject.id || event.action === "erased") {
      return jsonError(404, "not_found", "Not found.");
    }
    const issued = await issueConsentReceipt(event.id);
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
        "content-disposition": `attachment; filename="consent-receipt-${event.id}.json"`,
        "cache-control": "private, no-store",
      },
    });
  },
);
