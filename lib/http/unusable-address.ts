// Addresses that no page or route of the portal can mean, refused by our HTTP server before
// Next.js sees them (issue 13, point 6): Next.js answers 500 to a path segment whose
// percent-escapes are not UTF-8 (its decodeURIComponent throws), and a NUL byte reaches
// PostgreSQL, which refuses it in text, as a 500. No "server-only": scripts/serve-portal.ts
// imports this file.

/** Why the request target cannot be served, or null when it can. */
export function unusableAddress(target: string): string | null {
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : target.slice(queryAt + 1);
  for (const segment of path.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return "The address has a percent-escape that is not UTF-8.";
    }
    if (decoded.includes("\0")) return "The address contains a NUL character.";
  }
  // Query values are decoded leniently (bad escapes become U+FFFD); only NUL must not get through.
  if (/%00/i.test(query) || query.includes("\0")) return "The query contains a NUL character.";
  return null;
}
