import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** When it ends at the latest: its absolute end, or sooner when it idles (staff). */
  endsAt: Date;
  current: boolean;
}

/** The person's active sessions, newest first; `currentSessionId` marks the one asking. */
export async function listMySessions(actor: Actor, currentSessionId: string | null): Promise<SessionSummary[]> {
  const now = Date.now();
  const rows = await db().portalSession.findMany({
    where: { userId: actor.id, expiresAt: { gt: new Date(now) } },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, idleSeconds: true },
  });
  return rows
    .map((row) => {
      const idleEnd = row.idleSeconds === null ? Infinity : row.lastSeenAt.getTime() + row.idleSeconds * 1000;
      return {
        id: row.id,
        createdAt: row.createdAt,
        lastSeenAt: row.lastSeenAt,
        endsAt: new Date(Math.min(row.expiresAt.getTime(), idleEnd)),
        current: row.id === currentSessionId,
      };
    })
    .filter((session) => session.endsAt.getTime() > now);
}
