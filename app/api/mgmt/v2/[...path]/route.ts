import { NextResponse } from "next/server";
import { handleMgmtRequest, MAX_BODY_BYTES } from "@/lib/compliance/mgmt-proxy/handle-mgmt-request";
import { authenticateStaffApiToken } from "@/lib/compliance/staff-api-tokens/authenticate-staff-api-token";
import { AppError } from "@/lib/errors";
import { defineStaffRoute, type StaffRouteInput } from "@/lib/http/define-staff-route";

/**
 * The Management API proxy (ADR 012): `https://<portal>/api/mgmt/v2/<path>` answers like
 * `https://<tenant>/api/v2/<path>` for the allow-listed subset, to a staff session or a staff
 * API token. Inbound cookies and Authorization never travel on: only the validated path, query
 * and body do, with the server's own Management API token.
 */
async function proxy({ actor, params, request }: StaffRouteInput): Promise<Response> {
  // A declared size over the limit is refused before anything else; the body itself is read
  // (bounded) only by a route that takes one.
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("payload_too_large", "The request body is too large.");
  const segments = Array.isArray(params.path) ? params.path : [];
  const result = await handleMgmtRequest(actor, {
    method: request.method,
    segments,
    query: request.nextUrl.searchParams,
    contentType: request.headers.get("content-type"),
    body: request.body,
  });
  const headers = { "cache-control": "no-store", ...result.headers };
  if (result.status === 204) return new NextResponse(null, { status: 204, headers });
  return NextResponse.json(result.body, { status: result.status, headers });
}

const handler = defineStaffRoute({ tokens: (token) => authenticateStaffApiToken(token) }, proxy);

export const GET = handler;
export const PATCH = handler;
export const DELETE = handler;
export const POST = handler;
export const PUT = handler;
