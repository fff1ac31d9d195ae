import "server-only";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { logger } from "@/lib/logger";

/**
 * Ends the identity provider's own login sessions (Auth0's SSO cookie) behind portal sessions
 * that were just ended: without this, the next "Sign in" in that browser passes without a
 * password (ADR 043). `userId`: all of the user's; `sessionId`: the one with that `sid`.
 *
 * Best effort: the portal sessions, which are what grant access here, are already gone, so a
 * failure is logged and not thrown (it must not undo a role revocation or a closed account).
 */
export async function endTenantSessions(
  target: { userId: string } | { sessionId: string },
  auth0: Auth0Gateway = portalAuth0(),
): Promise<boolean> {
  try {
    if ("userId" in target) await auth0.deleteTenantSessionsOf(target.userId);
    else await auth0.deleteTenantSession(target.sessionId);
    return true;
  } catch (error) {
    logger.warn(
      { ...target, error: error instanceof Error ? error.message : String(error) },
      "could not end the identity provider's sessions",
    );
    return false;
  }
}
