import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import { hasRole, type Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { fieldIssues } from "./validation";

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

interface RouteOptions<P, Q, B> {
  /** Who may call it; "signed-in" is any signed-in person. Checked on every call. */
  role: Role | "signed-in";
  params?: P;
  query?: Q;
  body?: B;
}

export interface RouteInput<P, Q, B> {
  viewer: Viewer;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  request: NextRequest;
}

export function jsonError(status: number, error: string, message: string, extra: Record<string, unknown> = {}) {
  return NextResponse.json({ statusCode: status, error, message, ...extra }, { status });
}

/**
 * The one wrapper for route handlers: authenticate, check the role, parse params, query and
 * body with zod (400 naming each field and reason), call the handler, map AppError codes to
 * statuses. Unexpected errors are logged and answered with a fixed 500 body.
 */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(options: RouteOptions<P, Q, B>, handler: (input: RouteInput<P, Q, B>) => Promise<Response>) {
  return async (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => {
    try {
      const viewer = await getViewer();
      if (!viewer) return jsonError(401, "unauthorized", "Sign in first.");
      if (options.role !== "signed-in" && !hasRole(viewer.roles, options.role)) {
        return jsonError(403, "forbidden", "Your role does not allow this.");
      }
      const params = options.params ? options.params.safeParse(await context.params) : undefined;
      if (params && !params.success) return jsonError(404, "not_found", "Not found.");
      const query = options.query
        ? options.query.safeParse(Object.fromEntries(request.nextUrl.searchParams))
        : undefined;
      if (query && !query.success) {
        return jsonError(400, "invalid_query", "The query is not valid.", { issues: fieldIssues(query.error) });
      }
      let body: unknown;
      if (options.body) {
        let raw: unknown;
        try {
          raw = await request.json();
        } catch {
          return jsonError(400, "invalid_json", "The request body is not valid JSON.");
        }
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) {
          return jsonError(400, "invalid_body", "The request body is not valid.", {
            issues: fieldIssues(parsed.error),
          });
        }
        body = parsed.data;
      }
      return await handler({
        viewer,
        params: params?.data as Infer<P>,
        query: query?.data as Infer<Q>,
        body: body as Infer<B>,
        request,
      });
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

export function errorResponse(error: unknown, request: NextRequest): Response {
  if (error instanceof AppError) {
    return jsonError(error.status, error.code, error.message, error.field ? { field: error.field } : {});
  }
  // Next.js uses thrown values for redirect()/notFound(); let them through.
  if (error instanceof Error && "digest" in error) throw error;
  logger.error({ err: error, path: request.nextUrl.pathname }, "route handler failed");
  return jsonError(500, "internal", "Something went wrong.");
}
