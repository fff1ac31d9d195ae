import type { z } from "zod";

/**
 * Typed domain errors. Domain code throws `AppError(code, message)`; the one renderer
 * (`lib/http/error-response.ts`) maps the code to an HTTP status and shows `message` (never an
 * upstream error's text or a stack). Add a code here, with its status, before using it.
 */
const APP_ERROR_STATUS = {
  /** The request itself is malformed (a Management API proxy request, or Auth0 said so). */
  bad_request: 400,
  /** Input failed validation; `field` names the offending input. */
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The same idempotency key was used earlier with a different request body. */
  idempotency_conflict: 409,
  /** The policy version (or purpose wording) shown to the person is no longer current: show the new text. */
  policy_outdated: 409,
  /** The record already exists (e.g. a purpose key, a policy version label). */
  already_exists: 409,
  /** The change would break a rule of the current state (the last admin, an unfinished export, a required purpose). */
  conflict: 409,
  /** The subject was erased: nothing can be recorded for or read about them any more. */
  subject_erased: 410,
  payload_too_large: 413,
  /** A rate limit (ADR 035): the answer carries Retry-After. */
  rate_limited: 429,
  unsupported_media_type: 415,
  /** The Management API proxy's answer when Auth0 failed: a gateway's 502. */
  bad_gateway: 502,
  /** Auth0 (or another upstream) failed or is rate limiting us; retry later. */
  upstream_unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

export interface AppErrorOptions {
  field?: string;
  cause?: unknown;
  /** Auth0's own `errorCode` (e.g. `inexistent_user`) where the Auth0-shaped API answers with it. */
  errorCode?: string;
  /** Every offending input, `{ field, reason }`, when there is more than one. */
  issues?: Array<{ field: string; reason: string }>;
  /** Response headers the answer must carry (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field?: string;
  readonly errorCode?: string;
  readonly issues?: Array<{ field: string; reason: string }>;
  readonly headers?: Record<string, string>;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.field = options.field;
    this.errorCode = options.errorCode;
    this.issues = options.issues;
    this.headers = options.headers;
  }

  get status(): number {
    return APP_ERROR_STATUS[this.code];
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
