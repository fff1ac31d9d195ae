import "server-only";
import type { NextRequest } from "next/server";
import type { Actor } from "@/lib/auth/actor";
import { checkSession } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { renderThrown } from "./error-response";
import { apiSecurityHeaders } from "./security-headers";

export interface StaffRouteInput {
  actor: Actor;
  params: Record<string, string | string[]>;
  request: NextRequest;
}

/** Finds the staff actor behind a bearer token, or null (unknown, revoked, expired, role gone). */
export type TokenAuthenticator = (token: string) => Promise<Actor | null>;

const BEARER = { "www-authenticate": "Bearer" };

/**
 * `defineRoute` for machine-facing staff endpoints (the Management API proxy): the caller is a
 * signed-in staff session or a staff API token (`Authorization: Bearer cpst_…`, checked by the
 * `tokens` authenticator the route passes in). A request that carries an Authorization header is
 * judged by it alone — never by a cookie riding along. At least the compliance role is required;
 * the handler's use case checks anything stricter. Errors use the Management API's body shape.
 */
export function defineStaffRoute(
  options: { tokens: TokenAuthenticator },
  handler: (input: StaffRouteInput) => Promise<Response>,
) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    let response: Response;
    try {
      const actor = await authenticate(request, options.tokens);
      response = await handler({ actor, params: await context.params, request });
    } catch (error) {
      response = renderThrown("auth0", error, request.nextUrl.pathname);
    }
    for (const [name, value] of Object.entries(apiSecurityHeaders(env().APP_BASE_URL))) {
      response.headers.set(name, value);
    }
    return response;
  };
}

async function authenticate(request: NextRequest, tokens: TokenAuthenticator): Promise<Actor> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const actor = match ? await tokens(match[1]!) : null;
    if (!actor) throw new AppError("unauthorized", "Invalid token", { errorCode: "invalid_token", headers: BEARER });
    return actor;
  }
  const check = await checkSession("compliance");
  if (check.ok) return check.actor;
  if (check.reason === "signed_out") {
    throw new AppError("unauthorized", "Missing authentication: sign in or send a staff API token.", {
      headers: BEARER,
    });
  }
  throw new AppError("forbidden", "Your role does not allow this.", { errorCode: "insufficient_scope" });
}
