import { NextResponse } from "next/server";
import { recordConsentDecisions } from "@/lib/consent-api/record-consent-decisions";
import { recordDecisionsSchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const POST = defineApiRoute(
  { scope: "consent:write", body: recordDecisionsSchema },
  async ({ actor, body, request, requestSha256 }) => {
    const key = request.headers.get("idempotency-key") ?? undefined;
    const answer = await recordConsentDecisions({ body, idempotencyKey: key, requestSha256 }, actor);
    return NextResponse.json(answer.body, {
      status: answer.status,
      headers: { "cache-control": "no-store", ...(answer.replayed ? { "idempotent-replayed": "true" } : {}) },
    });
  },
);
