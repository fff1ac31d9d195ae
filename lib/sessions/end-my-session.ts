import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { endMySessionSchema, type EndMySessionInput } from "./schemas";

/** A person ends one of their own sessions (another device, or this one). Only their own. */
export async function endMySession(input: EndMySessionInput, actor: Actor): Promise<void> {
  const { sessionId } = parseInput(endMySessionSchema, input);
  const { count } = await db().portalSession.deleteMany({ where: { id: sessionId, userId: actor.id } });
  if (count === 0) throw new AppError("not_found", "This session has already ended.", { field: "sessionId" });
  logger.info({ userId: actor.id, reason: "ended by its owner" }, "session ended");
}
