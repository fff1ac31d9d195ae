import { NextResponse } from "next/server";
import { importApiLegacyConsents } from "@/lib/consent-api/import-api-legacy-consents";
import { defineApiRoute } from "@/lib/http/define-api-route";
import { boundedBodyStream } from "@/lib/http/request-body";

/** An Auth0 users export of a few hundred thousand users; larger files are sent in parts (re-sending is safe). */
const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

// Streamed: the body is read line by line as the import goes, never whole. proxy.ts does not run
// for this path (it would buffer a copy of the body and cut it at its limit), so the wrapper sets
// the security headers.
export const POST = defineApiRoute({ scope: "consent:import", securityHeaders: true }, async ({ actor, request }) =>
  NextResponse.json(await importApiLegacyConsents(boundedBodyStream(request, MAX_IMPORT_BYTES), actor), {
    headers: { "cache-control": "no-store" },
  }),
);
