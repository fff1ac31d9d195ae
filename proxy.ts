import { NextResponse, type NextRequest } from "next/server";
import { auth0 } from "@/lib/auth/auth0";
import { auth0Origin } from "@/lib/auth0/auth0-origin";
import { env } from "@/lib/env";
import {
  hasMalformedPartHeader,
  lacksClosingBoundary,
  multipartBoundary,
  SERVER_ACTION_BODY_LIMIT_BYTES,
} from "@/lib/http/action-body";
import { newNonce, securityHeaders } from "@/lib/http/security-headers";
import { limitSignInStart } from "@/lib/rate-limits/limit-sign-in";

// Runs for every request but the Management API proxy's, to put the security headers
// (lib/http/security-headers.ts) on every response: pages, route handlers, 404s, errors and
// static files. Next.js buffers a copy of the body of each request a proxy sees
// (proxyClientMaxBodySize) and waits for all of it; /api/mgmt/v2/* must stop reading at 1 MB
// (lib/http/request-body.ts), so it sets the same headers in its wrapper (define-staff-route.ts).
// Only /auth/* (login, callback, logout) is handed to the Auth0 SDK; it authorizes nothing:
// every page and handler checks the role itself (lib/auth/viewer.ts). The SDK must see no other
// path: sessions do not roll (see lib/auth/auth0.ts), and a rolling update on any other request
// could land after a sign-out and set the session cookie again; it would also claim /me/*, which
// it reserves for Auth0's My Account API (ours are pages).
export async function proxy(request: NextRequest) {
  const config = env();
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    baseUrl: config.APP_BASE_URL,
    identityOrigin: auth0Origin(config.AUTH0_DOMAIN).origin,
    development: config.NODE_ENV === "development",
  });
  let response: NextResponse;
  const refusal =
    request.method === "POST" && request.headers.has("next-action") ? await refuseActionBody(request) : null;
  if (refusal) {
    response = refusal;
  } else if (request.nextUrl.pathname.startsWith("/auth/")) {
    const limited = request.nextUrl.pathname === "/auth/login" ? await limitSignInStart(request) : null;
    response = limited ?? (await auth0().middleware(request));
  } else {
    // Next.js takes the nonce for its script tags from the request's CSP header.
    const forwarded = new Headers(request.headers);
    forwarded.set("content-security-policy", headers["content-security-policy"]!);
    forwarded.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function plainText(status: number, text: string): NextResponse {
  return new NextResponse(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * A server action's body that Next.js would answer 500 for (lib/http/action-body.ts), refused
 * here; null for any other. The body is the copy Next.js buffered for the proxy (up to
 * proxyClientMaxBodySize, just above the action limit), read for this check only.
 */
async function refuseActionBody(request: NextRequest): Promise<NextResponse | null> {
  const tooLarge = () =>
    plainText(413, `The form is larger than the ${SERVER_ACTION_BODY_LIMIT_BYTES / 1024 / 1024} MB a form may send.`);
  if (Number(request.headers.get("content-length")) > SERVER_ACTION_BODY_LIMIT_BYTES) return tooLarge();
  const body = new Uint8Array(await request.arrayBuffer());
  // A chunked body declares no length; past proxyClientMaxBodySize the copy stops there, still over the limit.
  if (body.length > SERVER_ACTION_BODY_LIMIT_BYTES) return tooLarge();
  const boundary = multipartBoundary(request.headers.get("content-type"));
  if (!boundary) return null;
  if (hasMalformedPartHeader(body, boundary)) return plainText(400, "A part of the form has a malformed header.");
  if (lacksClosingBoundary(body, boundary)) {
    return plainText(400, "The form ends before its closing boundary: it was cut off.");
  }
  return null;
}

export const config = {
  // Not for the Management API proxy, nor for streamed uploads (the legacy import, through the
  // API and the admin page): their wrappers set the same headers.
  matcher: ["/((?!api/mgmt/v2/.|api/v1/imports/|admin/imports/upload).*)"],
};
