import "server-only";
import { auth0Failure } from "@/lib/auth0/auth0-error";
import { auth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { AppError } from "@/lib/errors";
import { appErrorAnswer } from "@/lib/http/error-response";

/** Sends one request to the Management API with the server's own token (relative to /api/v2). */
export type UpstreamFetch = Auth0Gateway["request"];

/**
 * The portal's gateway: the SDK adds the client-credentials token it caches (it never leaves the
 * server), and the retrying fetch handles 429 and 5xx. Nothing of the caller's request but the
 * validated path, query and body is sent.
 */
export const upstreamFetch: UpstreamFetch = (path, init) => auth0().request(path, init);

export interface ProxyResponse {
  status: number;
  /** JSON body; null for 204. */
  body: unknown;
  headers?: Record<string, string>;
}

async function readJson(response: Response): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    const text = await response.text();
    return { ok: true, value: text === "" ? null : (JSON.parse(text) as unknown) };
  } catch {
    return { ok: false };
  }
}

/** The proxy is a gateway: when Auth0 failed it answers 502, where the portal's own pages say 503. */
function asGateway(failure: AppError): AppError {
  return failure.errorCode === "upstream_unavailable"
    ? new AppError("bad_gateway", failure.message, { errorCode: failure.errorCode, cause: failure })
    : failure;
}

/**
 * Calls Auth0 and turns the answer into what the proxy returns: success bodies as Auth0 sent
 * them; failures as the gateway translates them (`auth0Failure`: client errors with Auth0's
 * status and error code but a fixed message, anything else a fixed body).
 */
export async function callAuth0(
  fetchUpstream: UpstreamFetch,
  path: string,
  init: { method: string; body?: string },
): Promise<ProxyResponse> {
  const what = `proxy ${init.method}`;
  let failure: AppError;
  try {
    const response = await fetchUpstream(path, init);
    if (response.status === 204) return { status: 204, body: null };
    const parsed = await readJson(response);
    if (response.ok && parsed.ok) return { status: response.status, body: parsed.value };
    failure = auth0Failure(
      response.ok
        ? new Error("unreadable answer")
        : { status: response.status, body: parsed.ok ? parsed.value : null, headers: response.headers },
      what,
    );
  } catch (error) {
    failure = auth0Failure(error, what);
  }
  return appErrorAnswer("auth0", asGateway(failure));
}
