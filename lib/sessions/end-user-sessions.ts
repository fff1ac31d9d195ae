import "server-only";
import { forgetCurrentRoles } from "@/lib/auth/current-roles";
import { db, type Tx } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { endTenantSessions } from "./end-tenant-sessions";

/**
 * Ends every session of `userId` at once (ADR 035), and makes the next role check read Auth0
 * again. Called by the use cases that take something away from a person: a staff role revoked,
 * blocked or deleted through the proxy, an account closed, deleted or erased, all sessions ended
 * by an admin. Not evidence: the calling use case records the change itself.
 *
 * The user's Auth0 login sessions end too (ADR 043), not awaited: the call must not hold the
 * caller's transaction open, and ending them is harmless if that transaction rolls back.
 */
export async function endUserSessions(userId: string, reason: string, tx?: Tx): Promise<number> {
  forgetCurrentRoles(userId);
  const { count } = await (tx ?? db()).portalSession.deleteMany({ where: { userId } });
  if (count > 0) logger.info({ userId, sessions: count, reason }, "sessions ended");
  void endTenantSessions({ userId });
  return count;
}
