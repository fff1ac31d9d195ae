import type { z } from "zod";

/**
 * Typed domain errors. Domain code throws `AppError(code, message)`; the one renderer
 * (`lib/http/error-response.ts`) maps the code to an HTTP status and shows `message` (never an
 * upstream error's text or a stack). Add a code here, with its status, before using it.
 */
export const APP_ERROR_STATUS = {
  /** The request itself is malformed (not JSON, a bad query string). */
  bad_request: 400,
  /** Input failed validation; `field` names the offending input. */
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The same idempotency key was used earlier with a different request body. */
  idempotency_conflict: 409,
  /** The policy version shown to the person is no longer the current one: show the new text. */
  policy_outdated: 409,
  /** The record already exists (e.g. a purpose key, a policy version label). */
  already_exists: 409,
  /** The change would break a rule of the current state (the last admin, an unfinished export, a required purpose). */
  conflict: 409,
  /** The subject was erased: nothing can be recorded for or read about them any more. */
  subject_erased: 410,
  payload_too_large: 413,
  /** Auth0 (or another upstream) failed or is rate limiting us; retry later. */
  upstream_unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field?: string;

  /** The Management API's own `errorCode` when this error answers a proxied request (e.g. `inexistent_user`). */
  readonly errorCode?: string;
  /** Status when it differs from the code's (the proxy passes some Auth0 statuses through). */
  readonly statusOverride?: number;
  readonly headers?: Record<string, string>;
  /** Every field problem of a rejected request, when there are several. */
  readonly issues?: { field: string; reason: string }[];

  constructor(
    code: AppErrorCode,
    message: string,
    options: {
      field?: string;
      cause?: unknown;
      errorCode?: string;
      status?: number;
      headers?: Record<string, string>;
      issues?: { field: string; reason: string }[];
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.field = options.field;
    this.errorCode = options.errorCode;
    this.statusOverride = options.status;
    this.headers = options.headers;
    this.issues = options.issues;
  }

  get status(): number {
    return this.statusOverride ?? APP_ERROR_STATUS[this.code];
  }

  /** What the HTTP renderer (`lib/http/error-response.ts`) needs. */
  toHttpError() {
    return {
      status: this.status,
      code: this.errorCode ?? this.code,
      message: this.message,
      field: this.field,
      issues: this.issues,
      headers: this.headers,
    };
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** Parses input with a zod schema; the first problem becomes a `validation_failed` AppError naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  throw new AppError("validation_failed", field ? `${field}: ${issue.message}` : issue.message, {
    field: field || undefined,
  });
}
