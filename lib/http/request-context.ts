import "server-only";
import { headers } from "next/headers";

/**
 * The request facts a consent event records (minimised by the ledger: IP truncated, user
 * agent hashed). Behind a proxy the first X-Forwarded-For address is the client's.
 */
export async function readRequestContext(): Promise<{ ip: string | null; userAgent: string | null }> {
  const list = await headers();
  const forwarded = list.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || list.get("x-real-ip") || null,
    userAgent: list.get("user-agent")?.slice(0, 2000) ?? null,
  };
}
