import { createHash } from "node:crypto";
import { NextResponse } from "next/server";
import { readPersonConsent } from "@/lib/consent-api/read-person-consent";
import { personConsentQuerySchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "consent:read", query: personConsentQuerySchema },
  async ({ actor, query, request }) => {
    const consent = await readPersonConsent(query, actor);
    const body = JSON.stringify(consent);
    // The answer's own hash: it changes exactly when anything in it does (a decision, a purpose offered or retired).
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    const headers = { etag, "cache-control": "private, no-cache" };
    const wanted = request.headers.get("if-none-match");
    if (wanted && wanted.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag || tag.trim() === "*")) {
      return new NextResponse(null, { status: 304, headers });
    }
    return new NextResponse(body, { status: 200, headers: { ...headers, "content-type": "application/json" } });
  },
);
