import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/define-route";
import { boundedBodyStream } from "@/lib/http/request-body";
import { importLegacyConsents } from "@/lib/imports/import-legacy-consents";

/** As the API's import (ADR 034): larger exports are sent in parts, or run with `npm run import:auth0`. */
const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

// The admin page's upload: the file is the request body (NDJSON), streamed into the import line
// by line, never whole. proxy.ts does not run for this path (it would buffer a copy of the body
// and cut it at its limit), so the wrapper sets the security headers. A browser names the page
// that sent a POST in Origin: one from another site is refused (the session cookie is SameSite
// too).
export const POST = defineRoute({ role: "admin", securityHeaders: true }, async ({ actor, request }) => {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(env().APP_BASE_URL).origin) {
    throw new AppError("forbidden", "Uploads are accepted from the portal's own pages only.");
  }
  const report = await importLegacyConsents(boundedBodyStream(request, MAX_IMPORT_BYTES), actor);
  return NextResponse.json(report, { headers: { "cache-control": "no-store" } });
});
