import "server-only";
import { STATUS_CODES } from "node:http";
import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { FieldIssue } from "./validation";

/**
 * The one place that turns an error into an HTTP answer, in one of two shapes:
 * - `portal`: `{ error: { code, message, field?, issues? } }` for the portal's own routes;
 * - `auth0`: `{ statusCode, error, message, errorCode }`, the Management API's shape, for the
 *   proxy, so clients written for Auth0 read the portal's errors the same way;
 * - `problem`: RFC 9457 problem details (`application/problem+json`) for the consent API
 *   (`/api/v1`), with `code`, and each offending `{ field, reason }` in `issues`.
 * Upstream error text and stacks never reach the client: anything but an AppError is a fixed 500.
 */
export type ErrorShape = "portal" | "auth0" | "problem";

/** Where a problem type is described: the API reference page lists every code. */
const PROBLEM_TYPE_BASE = "/api/docs#problem-";

interface HttpError {
  status: number;
  code: string;
  message: string;
  field?: string;
  issues?: FieldIssue[];
  headers?: Record<string, string>;
}

// Auth0 (and so the emulator) says "Request Entity Too Large" where Node says "Payload Too Large".
const AUTH0_WORDING: Record<number, string> = { 413: "Request Entity Too Large" };

function statusText(status: number): string {
  return AUTH0_WORDING[status] ?? STATUS_CODES[status] ?? "Error";
}

function errorBody(shape: ErrorShape, error: HttpError, instance?: string): Record<string, unknown> {
  const issues = error.issues ? { issues: error.issues } : {};
  if (shape === "problem") {
    const fieldIssues = error.issues ?? (error.field ? [{ field: error.field, reason: error.message }] : undefined);
    return {
      type: `${PROBLEM_TYPE_BASE}${error.code}`,
      title: STATUS_CODES[error.status] ?? "Error",
      status: error.status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(fieldIssues ? { issues: fieldIssues } : {}),
    };
  }
  if (shape === "auth0") {
    return {
      statusCode: error.status,
      error: statusText(error.status),
      message: error.message,
      errorCode: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...issues,
    };
  }
  return {
    error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), ...issues },
  };
}

/** An AppError's answer as data, for code that returns answers rather than throwing (the proxy). */
export function appErrorAnswer(
  shape: ErrorShape,
  error: AppError,
): { status: number; body: Record<string, unknown>; headers?: Record<string, string> } {
  const http = error.toHttpError();
  return { status: http.status, body: errorBody(shape, http), ...(http.headers ? { headers: http.headers } : {}) };
}

function errorResponse(shape: ErrorShape, error: HttpError, instance?: string): NextResponse {
  return NextResponse.json(errorBody(shape, error, instance), {
    status: error.status,
    headers: {
      "cache-control": "no-store",
      ...(shape === "problem" ? { "content-type": "application/problem+json" } : {}),
      ...error.headers,
    },
  });
}

/**
 * Renders anything a handler threw. Next.js' own thrown values (redirect(), notFound()) pass
 * through; unexpected errors are logged with the path and answered with a fixed 500.
 */
export function renderThrown(shape: ErrorShape, error: unknown, path: string): NextResponse {
  if (error instanceof AppError) return errorResponse(shape, error.toHttpError(), path);
  if (error instanceof Error && "digest" in error) throw error;
  logger.error({ err: error, path }, "request failed");
  return errorResponse(shape, { status: 500, code: "internal", message: "Something went wrong." }, path);
}
