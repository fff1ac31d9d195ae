import "server-only";
import type { ManagementClient } from "auth0";
import { env } from "@/lib/env";
import { statusText } from "@/lib/http/error-response";
import { logger } from "@/lib/logger";
import { managementClient } from "@/lib/mgmt/management-client";

/** Sends one request to the Management API with the server's own token (relative to /api/v2). */
export type UpstreamFetch = (path: string, init: { method: string; body?: string }) => Promise<Response>;

/**
 * The portal's Management API client: the SDK adds the client-credentials token it caches (it
 * never leaves the server), and our retrying fetch handles 429 and 5xx. Nothing of the caller's
 * request but the validated path, query and body is sent.
 */
export const upstreamFetch: UpstreamFetch = (path, init) =>
  fetchVia(managementClient(), env().AUTH0_DOMAIN, path, init);

/**
 * One Management API call through an SDK client. The URL is absolute because the SDK's
 * passthrough would fold a relative path's query string into the path.
 */
export function fetchVia(
  client: ManagementClient,
  domain: string,
  path: string,
  init: { method: string; body?: string },
): Promise<Response> {
  const host = new URL(/^https?:\/\//.test(domain) ? domain : `https://${domain}`).host;
  return client.fetch(`https://${host}/api/v2${path}`, {
    method: init.method,
    ...(init.body === undefined ? {} : { body: init.body, headers: { "content-type": "application/json" } }),
  });
}

export interface ProxyResponse {
  status: number;
  /** JSON body; null for 204. */
  body: unknown;
  headers?: Record<string, string>;
}

const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** Fixed bodies: Auth0's own error text (and anything about our token or its URL) never passes. */
const FIXED = {
  unavailable: {
    status: 502,
    body: {
      statusCode: 502,
      error: "Bad Gateway",
      message: "Auth0 could not complete the request. Try again later.",
      errorCode: "upstream_unavailable",
    },
  },
  rateLimited: {
    status: 503,
    body: {
      statusCode: 503,
      error: "Service Unavailable",
      message: "Auth0 is rate limiting the portal. Try again shortly.",
      errorCode: "upstream_rate_limited",
    },
  },
} as const;

const CLIENT_ERROR_MESSAGES: Record<number, string> = {
  400: "Auth0 refused the request as invalid.",
  404: "Not found in Auth0.",
  409: "Auth0 refused the change: it conflicts with another user.",
  413: "The request is too large for Auth0.",
  415: "Auth0 expects application/json.",
};

const KNOWN_MESSAGES: Record<string, string> = {
  inexistent_user: "The user does not exist.",
  inexistent_connection: "The connection does not exist.",
  email_conflict: "The specified new email already exists.",
};

async function readJson(response: Response): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    const text = await response.text();
    return { ok: true, value: text === "" ? null : (JSON.parse(text) as unknown) };
  } catch {
    return { ok: false };
  }
}

/**
 * Calls Auth0 and turns the answer into what the proxy returns: success bodies as Auth0 sent
 * them, client errors with Auth0's status and error code but a fixed message, and anything
 * else (network, 5xx, 429, or Auth0 refusing our own token) as a fixed body.
 */
export async function callAuth0(
  fetchUpstream: UpstreamFetch,
  path: string,
  init: { method: string; body?: string },
): Promise<ProxyResponse> {
  let response: Response;
  try {
    response = await fetchUpstream(path, init);
  } catch (error) {
    logger.warn(
      { method: init.method, reason: error instanceof Error ? error.name : "unknown" },
      "mgmt proxy: Auth0 unreachable",
    );
    return FIXED.unavailable;
  }
  if (response.status === 204) return { status: 204, body: null };
  const parsed = await readJson(response);
  if (response.ok) return parsed.ok ? { status: response.status, body: parsed.value } : FIXED.unavailable;
  if (response.status === 429) {
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    const retryAfter = Number.isFinite(reset) && reset > 0 ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 5;
    return { ...FIXED.rateLimited, headers: { "retry-after": String(retryAfter) } };
  }
  const upstreamCode =
    parsed.ok && typeof parsed.value === "object" && parsed.value !== null
      ? (parsed.value as { errorCode?: unknown }).errorCode
      : undefined;
  const message = CLIENT_ERROR_MESSAGES[response.status];
  if (!message) {
    // 401/403 mean Auth0 refused the portal's own credentials: the caller can do nothing about it.
    logger.error({ method: init.method, status: response.status }, "mgmt proxy: Auth0 refused the request");
    return FIXED.unavailable;
  }
  const errorCode = typeof upstreamCode === "string" && ERROR_CODE.test(upstreamCode) ? upstreamCode : "auth0_error";
  return {
    status: response.status,
    body: {
      statusCode: response.status,
      error: statusText(response.status),
      message: KNOWN_MESSAGES[errorCode] ?? message,
      errorCode,
    },
  };
}
