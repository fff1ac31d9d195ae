/**
 * The headers every response carries (issue 13, point 3), set by proxy.ts. Scripts run only with
 * this request's nonce (Next.js reads it from the request's Content-Security-Policy and puts it on
 * its own script tags); 'strict-dynamic' lets those scripts load the chunks they need.
 * Styles allow 'unsafe-inline': Recharts and React render style attributes, and a nonce cannot
 * cover an attribute; stylesheets still come only from the portal.
 */
export function securityHeaders(options: {
  nonce: string;
  /** APP_BASE_URL: HSTS and upgrade-insecure-requests only when it is https. */
  baseUrl: string;
  /** The identity provider's origin: sign-in forms and their redirects go there. */
  identityOrigin: string;
  /** `next dev` needs eval for its fast refresh; a build never does. */
  development?: boolean;
}): Record<string, string> {
  const https = new URL(options.baseUrl).protocol === "https:";
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self' ${options.identityOrigin}`,
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return { "content-security-policy": directives.join("; "), ...commonHeaders(https) };
}

/**
 * For the Management API proxy's JSON answers, which proxy.ts does not see (see its matcher):
 * nothing on them may run or be framed.
 */
export function apiSecurityHeaders(baseUrl: string): Record<string, string> {
  const https = new URL(baseUrl).protocol === "https:";
  return { "content-security-policy": "default-src 'none'; frame-ancestors 'none'", ...commonHeaders(https) };
}

function commonHeaders(https: boolean): Record<string, string> {
  return {
    // For browsers that predate frame-ancestors.
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "cross-origin-opener-policy": "same-origin",
    ...(https ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

/** A fresh nonce per request: 128 random bits, base64 (what CSP's nonce-source accepts). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
