import { env } from "@/lib/env";

/**
 * Where to send someone back to after a step (`returnTo`): a path on the portal's own origin, or
 * "/". The value is resolved the way a browser would resolve it (WHATWG URL, against
 * APP_BASE_URL), so `/\host`, `/<TAB>/host`, `//host`, `https:host` and `javascript:` land on
 * another origin and are refused rather than pattern-matched. The answer is re-serialized from
 * the parsed URL: ASCII only (no header injection) and never `//…` (which a browser would read
 * as another host).
 */
export function safeRedirectPath(value: unknown, baseUrl: string = env().APP_BASE_URL): string {
  if (typeof value !== "string" || value === "") return "/";
  const base = new URL(baseUrl);
  let target: URL;
  try {
    target = new URL(value, base);
  } catch {
    return "/";
  }
  if (target.origin !== base.origin) return "/";
  const path = `${target.pathname}${target.search}${target.hash}`;
  // `/.//host` resolves to the pathname `//host`: on its own in a Location header, another host.
  return path.startsWith("//") ? "/" : path;
}
