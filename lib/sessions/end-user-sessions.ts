import "server-only";
import { forgetCurrentRoles } from "@/lib/auth/current-roles";
import { db, type Tx } from "@/lib/db/client";
import { logger } from "@/lib/logger";

/**
 * Ends every session of `userId` at once (ADR 035), and makes the next role check read Auth0
 * again. Called by the use cases that take something away from a person: a staff role revoked,
 * blocked or deleted through the proxy, an account closed, deleted or erased. Not evidence: the
 * calling use case records the change itself.
 */
export async function endUserSessions(userId: string, reason: string, tx?: Tx): Promise<number> {
  forgetCurrentRoles(userId);
  const { count } = await (tx ?? db()).portalSession.deleteMany({ where: { userId } });
  if (count > 0) logger.info({ userId, sessions: count, reason }, "sessions ended");
  return count;
}
