import type { IncomingMessage } from "node:http";

// Next.js gives route handlers and server actions no socket (NextRequest.ip is gone since 15) and
// fills X-Forwarded-For with the socket address only when the client sent none, so the two cannot
// be told apart. Our own HTTP server (scripts/serve-portal.ts) hands the socket's address to the
// portal in a header that it overwrites on every request (ADR 027). No "server-only": that server
// imports this file outside React Server Components.

/** The TCP peer's address, as our HTTP server saw it. */
export const SOCKET_PEER_HEADER = "x-consent-portal-socket-peer";

// A process-wide mark (the same realm as the route handlers, whatever bundle they come from): a
// header set by a client can only be trusted when our server, which overwrites it, is in front.
const OUR_SERVER = Symbol.for("consent-portal.socket-peer-server");
const marks = globalThis as { [OUR_SERVER]?: true };

/** Called once by our HTTP server before it accepts requests. */
export function markSocketPeerServer(): void {
  marks[OUR_SERVER] = true;
}

/** True when this process serves requests through our HTTP server, so the header is ours. */
export function servedBySocketPeerServer(): boolean {
  return marks[OUR_SERVER] === true;
}

/** Replaces whatever the client sent under SOCKET_PEER_HEADER with the socket's address. */
export function stampSocketPeer(request: IncomingMessage): void {
  delete request.headers[SOCKET_PEER_HEADER];
  const peer = request.socket.remoteAddress;
  if (peer) request.headers[SOCKET_PEER_HEADER] = peer;
}
