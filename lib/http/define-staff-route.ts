import "server-only";
import type { NextRequest } from "next/server";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";
import { authenticateStaffApiToken } from "@/lib/compliance/staff-api-tokens/authenticate-staff-api-token";
import { staffActorFromViewer, type StaffActor } from "@/lib/compliance/staff-actor";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { auth0AppErrorResponse, auth0ErrorResponse } from "./auth0-error";

export interface StaffRouteInput {
  actor: StaffActor;
  params: Record<string, string | string[]>;
  request: NextRequest;
}

/**
 * `defineRoute` for machine-facing staff endpoints (the Management API proxy): the caller is a
 * signed-in staff session or a staff API token (`Authorization: Bearer cpst_…`). A request that
 * carries an Authorization header is judged by it alone — never by a cookie riding along. At
 * least the compliance role is required here; the handler checks anything stricter itself.
 * Errors use the Management API's body shape.
 */
export function defineStaffRoute(handler: (input: StaffRouteInput) => Promise<Response>) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    try {
      const actor = await authenticate(request);
      if (actor === "invalid_token") {
        return auth0ErrorResponse(401, "Invalid token", "invalid_token", {}, { "www-authenticate": "Bearer" });
      }
      if (actor === "signed_out") {
        return auth0ErrorResponse(
          401,
          "Missing authentication: sign in or send a staff API token.",
          "unauthorized",
          {},
          {
            "www-authenticate": "Bearer",
          },
        );
      }
      if (actor === "not_staff") return auth0ErrorResponse(403, "Your role does not allow this.", "insufficient_scope");
      return await handler({ actor, params: await context.params, request });
    } catch (error) {
      if (error instanceof AppError) return auth0AppErrorResponse(error);
      if (error instanceof Error && "digest" in error) throw error;
      logger.error({ err: error, path: request.nextUrl.pathname }, "staff route failed");
      return auth0ErrorResponse(500, "Something went wrong.", "internal");
    }
  };
}

async function authenticate(request: NextRequest): Promise<StaffActor | "invalid_token" | "signed_out" | "not_staff"> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const actor = match ? await authenticateStaffApiToken(match[1]!) : null;
    return actor ?? "invalid_token";
  }
  const viewer = await getViewer();
  if (!viewer) return "signed_out";
  if (!hasRole(viewer.roles, "compliance")) return "not_staff";
  return staffActorFromViewer(viewer);
}
