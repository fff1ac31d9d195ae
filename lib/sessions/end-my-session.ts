import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { endTenantSessions } from "./end-tenant-sessions";
import { endMySessionSchema, type EndMySessionInput } from "./schemas";

/**
 * A person ends one of their own sessions (another device, or this one). Only their own. The
 * Auth0 login session of that browser ends too, so signing in there asks for the password again.
 */
export async function endMySession(input: EndMySessionInput, actor: Actor): Promise<void> {
  const { sessionId } = parseInput(endMySessionSchema, input);
  // One statement: the row is gone and its Auth0 session id known, or it was not theirs or not there.
  const [session] = await db().$queryRaw<Array<{ auth0Sid: string | null }>>`
    DELETE FROM "PortalSession" WHERE id = ${sessionId} AND user_id = ${actor.id} RETURNING auth0_sid AS "auth0Sid"`;
  if (!session) throw new AppError("not_found", "This session has already ended.", { field: "sessionId" });
  logger.info({ userId: actor.id, reason: "ended by its owner" }, "session ended");
  if (session.auth0Sid) await endTenantSessions({ sessionId: session.auth0Sid });
}
