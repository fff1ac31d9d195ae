/**
 * A fetch that sends `https://<host>` requests to the local emulator's `http://<host>` instead:
 * the SDK only builds https URLs from its `domain`.
 */
export function emulatorOriginFetch(origin: URL, next: typeof fetch): typeof fetch {
  const from = `https://${origin.host}`;
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(from)) return next(input, init);
    const rewritten = origin.origin + url.slice(from.length);
    return next(input instanceof Request ? new Request(rewritten, input) : rewritten, init);
  };
}
