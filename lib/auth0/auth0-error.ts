import "server-only";
import { ManagementError } from "auth0";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";

/** What the portal keeps of a failed Management API call: never Auth0's message text or our token. */
interface Auth0Answer {
  status: number;
  /** The parsed JSON body, if any. */
  body: unknown;
  headers: Headers | null;
}

/**
 * Auth0's client errors the portal passes on (status and Auth0's `errorCode`, with a fixed
 * message). Anything else — 401/403 (Auth0 refusing the portal's own credentials), 5xx, network
 * failures — is the portal's problem, not the caller's.
 */
const CLIENT_ERRORS: Record<number, { code: AppErrorCode; message: string }> = {
  400: { code: "bad_request", message: "Auth0 refused the request as invalid." },
  404: { code: "not_found", message: "Not found in Auth0." },
  409: { code: "conflict", message: "Auth0 refused the change: it conflicts with another user." },
  413: { code: "payload_too_large", message: "The request is too large for Auth0." },
  415: { code: "unsupported_media_type", message: "Auth0 expects application/json." },
};

const KNOWN_MESSAGES: Record<string, string> = {
  inexistent_user: "The user does not exist.",
  inexistent_connection: "The connection does not exist.",
  email_conflict: "The specified new email already exists.",
};

const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** When Auth0 says its rate limit resets (epoch ms), from `x-ratelimit-reset`. */
function resetAt(headers: Headers | null): number | null {
  const reset = Number(headers?.get("x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : null;
}

/** The answer behind a failed SDK call, or null when none came back (network, timeout). */
function answerOf(error: unknown): Auth0Answer | null {
  if (!(error instanceof ManagementError) || error.statusCode === undefined) return null;
  return { status: error.statusCode, body: error.body, headers: error.rawResponse?.headers ?? null };
}

/**
 * The one translation of a failed Management API call (an SDK error, a network failure, or a
 * non-2xx answer to a passthrough request) into an AppError. `what` names the call in the log.
 * The original error stays as `cause`, for `auth0Status` and `rateLimitResetAt`.
 */
export function auth0Failure(failure: unknown, what: string): AppError {
  if (failure instanceof AppError) return failure;
  const answer = isAnswer(failure) ? failure : answerOf(failure);
  const cause = failure;
  if (!answer) {
    logger.warn({ what, reason: failure instanceof Error ? failure.name : "unknown" }, "Auth0 unreachable");
    return unavailable(cause);
  }
  if (answer.status === 429) {
    const reset = resetAt(answer.headers);
    const retryAfter = reset === null ? 5 : Math.max(1, Math.ceil((reset - Date.now()) / 1000));
    logger.warn({ what }, "Auth0 rate limited the portal");
    return new AppError("upstream_unavailable", "Auth0 is rate limiting the portal. Try again shortly.", {
      errorCode: "upstream_rate_limited",
      headers: { "retry-after": String(retryAfter) },
      cause,
    });
  }
  const client = CLIENT_ERRORS[answer.status];
  if (!client) {
    logger.error({ what, status: answer.status }, "Auth0 refused or failed the request");
    return unavailable(cause);
  }
  const upstreamCode =
    typeof answer.body === "object" && answer.body !== null ? (answer.body as { errorCode?: unknown }).errorCode : null;
  const errorCode = typeof upstreamCode === "string" && ERROR_CODE.test(upstreamCode) ? upstreamCode : "auth0_error";
  return new AppError(client.code, KNOWN_MESSAGES[errorCode] ?? client.message, { errorCode, cause });
}

function unavailable(cause: unknown): AppError {
  return new AppError("upstream_unavailable", "Auth0 could not complete the request. Try again later.", {
    errorCode: "upstream_unavailable",
    cause,
  });
}

function isAnswer(value: unknown): value is Auth0Answer {
  return typeof value === "object" && value !== null && "status" in value && "headers" in value && "body" in value;
}

/** The HTTP status Auth0 answered a failed call with (undefined when nothing came back). */
export function auth0Status(error: unknown): number | undefined {
  const failure = error instanceof AppError ? error.cause : error;
  return (isAnswer(failure) ? failure : answerOf(failure))?.status;
}

/** For a 429: when Auth0's rate limit resets (epoch ms), or null. */
export function rateLimitResetAt(error: unknown): number | null {
  const failure = error instanceof AppError ? error.cause : error;
  const answer = isAnswer(failure) ? failure : answerOf(failure);
  return answer?.status === 429 ? resetAt(answer.headers) : null;
}
