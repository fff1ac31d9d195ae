import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import { resolveUser } from "@/lib/admin/auth0-user-roles";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { db } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import { endUserSessions } from "./end-user-sessions";
import { endSessionsOfSchema, type EndSessionsOfInput } from "./schemas";

/**
 * An admin ends every session of someone (a lost laptop, a suspected takeover): they must sign
 * in again. Recorded in the admin change log with how many sessions were active.
 */
export async function endSessionsOf(
  input: EndSessionsOfInput,
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<{ userId: string; ended: number }> {
  const { user } = parseInput(endSessionsOfSchema, input);
  const userId = (await resolveUser(auth0, user)).user_id!;
  return db().$transaction(async (tx) => {
    const ended = await endUserSessions(userId, "ended by an admin", tx);
    await appendAdminChange({ action: "session.end", target: userId, before: { sessions: ended } }, actor, tx);
    return { userId, ended };
  });
}
