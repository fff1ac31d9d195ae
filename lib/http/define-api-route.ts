import "server-only";
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authenticateApiClient } from "@/lib/auth/api-access-token";
import type { ApiScope } from "@/lib/auth/api-scopes";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { renderThrown } from "./error-response";
import { readJsonBody } from "./request-body";
import { apiSecurityHeaders } from "./security-headers";
import { fieldIssues } from "./validation";

/** An API write names a few people and purposes; nothing legitimate comes near this. */
const MAX_API_BODY_BYTES = 100_000;

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

interface ApiRouteOptions<P, Q, B> {
  /** The scope the access token must carry. Checked on every call. */
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * For a path proxy.ts does not run for (a streamed upload: see its matcher): the wrapper puts
   * the security headers on every answer, errors included.
   */
  securityHeaders?: boolean;
}

export interface ApiRouteInput<P, Q, B> {
  /** The API client (`kind: "api_client"`, its Auth0 client id). */
  actor: Actor;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  /** SHA-256 of the method, path and the body as sent (RFC 8785 JSON): what an idempotency key is bound to. */
  requestSha256: string;
  request: NextRequest;
}

/**
 * The one wrapper for the consent API (`/api/v1`, ADR 033): authenticate the Auth0 access token
 * (`lib/auth/api-access-token.ts`), require the route's scope (403 `insufficient_scope`
 * otherwise), parse params, query and body with zod (422 naming each field and reason), call the
 * handler with the client's Actor. Every error is an RFC 9457 problem (`application/problem+json`).
 */
export function defineApiRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(options: ApiRouteOptions<P, Q, B>, handler: (input: ApiRouteInput<P, Q, B>) => Promise<Response>) {
  const route = async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    try {
      const actor = await authenticateApiClient(request.headers.get("authorization"));
      const scopes = actor.via.type === "access_token" ? actor.via.scopes : [];
      if (!scopes.includes(options.scope)) {
        throw new AppError("forbidden", `This call needs the ${options.scope} scope.`, {
          errorCode: "insufficient_scope",
          headers: { "www-authenticate": `Bearer error="insufficient_scope", scope="${options.scope}"` },
        });
      }
      const params = options.params ? options.params.safeParse(await context.params) : undefined;
      if (params && !params.success) throw new AppError("not_found", "Not found.");
      const query = options.query
        ? options.query.safeParse(Object.fromEntries(request.nextUrl.searchParams))
        : undefined;
      if (query && !query.success) throw invalid("bad_request", "The query is not valid.", query.error);
      let body: unknown;
      let raw: unknown = null;
      if (options.body) {
        raw = await readJsonBody(request, { maxBytes: MAX_API_BODY_BYTES });
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) throw invalid("validation_failed", "The request body is not valid.", parsed.error);
        body = parsed.data;
      }
      const requestSha256 = createHash("sha256")
        .update(`${request.method} ${request.nextUrl.pathname}\n${canonicalize(raw) ?? "null"}`)
        .digest("hex");
      return await handler({
        actor,
        params: params?.data as Infer<P>,
        query: query?.data as Infer<Q>,
        body: body as Infer<B>,
        requestSha256,
        request,
      });
    } catch (error) {
      return renderThrown("problem", error, request.nextUrl.pathname);
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

/** A 400 or 422 that names each field and reason (the first one also as `field`). */
function invalid(code: "bad_request" | "validation_failed", message: string, error: z.ZodError): AppError {
  const issues = fieldIssues(error);
  return new AppError(code, message, { field: issues[0]?.field, issues });
}

/** A write's answer: `Idempotent-Replayed: true` when it is the stored first answer to the key. */
export function apiWriteResponse(answer: { status: number; body: unknown; replayed: boolean }): Response {
  return NextResponse.json(answer.body, {
    status: answer.status,
    headers: { "cache-control": "no-store", ...(answer.replayed ? { "idempotent-replayed": "true" } : {}) },
  });
}
