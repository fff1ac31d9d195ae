import { isLocalIssuer } from "@/lib/env";

/**
 * `AUTH0_DOMAIN` as a URL origin: `tenant.auth0.com` and `https://tenant.auth0.com` alike mean
 * https; `http://` is accepted only for a local emulator on localhost.
 */
export function auth0Origin(domain: string): URL {
  const url = new URL(/^https?:\/\//.test(domain) ? domain : `https://${domain}`);
  if (url.protocol === "http:" && !isLocalIssuer(domain)) {
    throw new Error("AUTH0_DOMAIN may use http:// only for a local emulator on localhost");
  }
  return new URL(url.origin);
}
