import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { clientAddress } from "./client-address";
import { SOCKET_PEER_HEADER, servedBySocketPeerServer } from "./socket-peer";

let warned = false;

/**
 * The request facts a consent event records (minimised by the ledger: IP truncated, user agent
 * hashed). The IP is the socket's, or what trusted proxies forwarded (TRUSTED_PROXIES, ADR 027);
 * without our HTTP server in front (plain `next start`) no address can be trusted: none is recorded.
 */
export async function readRequestContext(): Promise<{ ip: string | null; userAgent: string | null }> {
  const list = await headers();
  return { ip: requestAddress(list), userAgent: list.get("user-agent")?.slice(0, 2000) ?? null };
}

/** The client's address from a request's headers (also for proxy.ts, which has no `headers()`). */
export function requestAddress(list: Pick<Headers, "get">): string | null {
  const served = servedBySocketPeerServer();
  if (!served && !warned) {
    warned = true;
    logger.warn("Not served by scripts/serve-portal.ts: consent events record no IP address (ADR 027)");
  }
  return served
    ? clientAddress({
        peer: list.get(SOCKET_PEER_HEADER),
        forwardedFor: list.get("x-forwarded-for"),
        trustedProxies: env().TRUSTED_PROXIES,
      })
    : null;
}
