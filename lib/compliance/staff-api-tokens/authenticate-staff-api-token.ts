import "server-only";
import { rolesFromAuth0, type CurrentRoles } from "@/lib/auth/current-roles";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { hashStaffToken, isStaffTokenFormat } from "./token-format";

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The staff actor behind a bearer token, or null when the token is unknown, revoked, expired,
 * or its owner no longer holds a staff role. A token never acts with more than its owner holds
 * now: an admin token of someone who is now only compliance acts read-only.
 */
export async function authenticateStaffApiToken(
  token: string,
  options: { currentRoles?: CurrentRoles; now?: Date } = {},
): Promise<Actor | null> {
  if (!isStaffTokenFormat(token)) return null;
  const now = options.now ?? new Date();
  const row = await db().staffApiToken.findUnique({ where: { tokenHash: hashStaffToken(token) } });
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  const held = await (options.currentRoles ?? rolesFromAuth0)(row.ownerId);
  const role =
    row.role === "admin" && held.includes("admin")
      ? "admin"
      : held.includes("admin") || held.includes("compliance")
        ? "compliance"
        : null;
  if (!role) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().staffApiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return {
    kind: "staff",
    id: row.ownerId,
    // The token's own role, never more than its owner holds now; admins hold compliance too.
    roles: role === "admin" ? ["compliance", "admin"] : ["compliance"],
    displayName: `${row.ownerId} (token ${row.tokenHint})`,
    email: "",
    via: { type: "api_token", tokenId: row.id },
  };
}
