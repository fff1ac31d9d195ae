import { NextResponse, type NextRequest } from "next/server";
import { auth0 } from "@/lib/auth/auth0";
import { auth0Origin } from "@/lib/auth0/auth0-origin";
import { env } from "@/lib/env";
import { hasMalformedPartHeader, multipartBoundary } from "@/lib/http/action-body";
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
  const actionBoundary =
    request.method === "POST" && request.headers.has("next-action")
      ? multipartBoundary(request.headers.get("content-type"))
      : null;
  if (actionBoundary && hasMalformedPartHeader(new Uint8Array(await request.arrayBuffer()), actionBoundary)) {
    // Next.js would answer 500 (lib/http/action-body.ts); the body is a copy, read for this check only.
    response = new NextResponse("A part of the form has a malformed header.", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
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

export const config = {
  // Not for the Management API proxy, nor for streamed uploads (the legacy import, through the
  // API and the admin page): their wrappers set the same headers.
  matcher: ["/((?!api/mgmt/v2/.|api/v1/imports/|admin/imports/upload).*)"],
};
