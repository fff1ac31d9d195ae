import { NextResponse } from "next/server";
import type { AppError } from "@/lib/errors";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Request Entity Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}

/**
 * An error in the Management API's own shape, `{ statusCode, error, message, errorCode }`, so
 * clients written for Auth0 read the portal's errors the same way. `extra` may add
 * `issues: [{ field, reason }]` for validation failures.
 */
export function auth0ErrorResponse(
  status: number,
  message: string,
  errorCode: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): NextResponse {
  return NextResponse.json(
    { statusCode: status, error: statusText(status), message, errorCode, ...extra },
    { status, headers: { "cache-control": "no-store", ...headers } },
  );
}

/**
 * A thrown AppError in the Management API's shape: Auth0's `errorCode` when it carries one, else
 * its own code; `field`, `issues` and headers when it has them.
 */
export function auth0ErrorBody(error: AppError): {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
} {
  return {
    status: error.status,
    body: {
      statusCode: error.status,
      error: statusText(error.status),
      message: error.message,
      errorCode: error.errorCode ?? error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
    },
    ...(error.headers ? { headers: error.headers } : {}),
  };
}

/** `auth0ErrorBody` as a response. */
export function auth0AppErrorResponse(error: AppError): NextResponse {
  const { status, body, headers } = auth0ErrorBody(error);
  return NextResponse.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}
