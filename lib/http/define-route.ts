import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { checkSession } from "@/lib/auth/viewer";
import type { Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { renderThrown } from "./error-response";
import { readJsonBody } from "./request-body";
import { apiSecurityHeaders } from "./security-headers";
import { fieldIssues } from "./validation";

/** The portal's own JSON bodies are small forms of data; nothing it takes comes near this. */
const MAX_ROUTE_BODY_BYTES = 100_000;

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

interface RouteOptions<P, Q, B> {
  /** Who may call it. Checked on every call. */
  role: Role;
  params?: P;
  query?: Q;
  body?: B;
  /** For a path proxy.ts does not run for (a streamed upload): the security headers on every answer. */
  securityHeaders?: boolean;
}

export interface RouteInput<P, Q, B> {
  actor: Actor;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  request: NextRequest;
}

/**
 * The one wrapper for the portal's route handlers: authenticate, check the role, parse params,
 * query and body with zod (400 naming each field and reason), call the handler with its Actor.
 * Every error is rendered by `lib/http/error-response.ts` in the portal's shape.
 */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => Promise<Response>) {
  const route = async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    try {
      const check = await checkSession(options.role);
      if (!check.ok && check.reason === "signed_out") throw new AppError("unauthorized", "Sign in first.");
      if (!check.ok) throw new AppError("forbidden", "Your role does not allow this.");
      const params = options.params ? options.params.safeParse(await context.params) : undefined;
      if (params && !params.success) throw new AppError("not_found", "Not found.");
      const query = options.query
        ? options.query.safeParse(Object.fromEntries(request.nextUrl.searchParams))
        : undefined;
      if (query && !query.success) {
        throw invalid("The query is not valid.", query.error);
      }
      let body: unknown;
      if (options.body) {
        const raw = await readJsonBody(request, { maxBytes: MAX_ROUTE_BODY_BYTES });
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) throw invalid("The request body is not valid.", parsed.error);
        body = parsed.data;
      }
      return await handler({
        actor: check.actor,
        params: params?.data as Infer<P>,
        query: query?.data as Infer<Q>,
        body: body as Infer<B>,
        request,
      });
    } catch (error) {
      return renderThrown("portal", error, request.nextUrl.pathname);
    }
  };
  if (!options.securityHeaders) return route;
  return async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    const response = await route(request, context);
    for (const [name, value] of Object.entries(apiSecurityHeaders(env().APP_BASE_URL))) {
      response.headers.set(name, value);
    }
    return response;
  };
}

/** A 400 that names each field and reason (the first one also as `field`). */
function invalid(message: string, error: z.ZodError): AppError {
  const issues = fieldIssues(error);
  return new AppError("bad_request", message, { field: issues[0]?.field, issues });
}

/**
 * For the few public route handlers (the transparency log, receipt keys): no session, the query
 * parsed with zod (400 naming each field), errors rendered like every other route.
 */
export function definePublicRoute<Q extends Schema | undefined = undefined>(
  options: { query?: Q },
  handler: (input: { query: Infer<Q>; request: NextRequest }) => Promise<Response>,
) {
  return async (request: NextRequest) => {
    try {
      const query = options.query
        ? options.query.safeParse(Object.fromEntries(request.nextUrl.searchParams))
        : undefined;
      if (query && !query.success) throw invalid("The query is not valid.", query.error);
      return await handler({ query: query?.data as Infer<Q>, request });
    } catch (error) {
      return renderThrown("portal", error, request.nextUrl.pathname);
    }
  };
}
