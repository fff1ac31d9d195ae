import "server-only";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { parseRoles, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { hashStaffToken, isStaffTokenFormat } from "./token-format";

/** The roles a staff member holds now, in Auth0 (`app_metadata.roles`); none if blocked or flagged deleted. */
export type CurrentRoles = (userId: string) => Promise<Role[]>;

const ROLE_CACHE_MS = 60_000;
const roleCache = new Map<string, { roles: Role[]; at: number }>();

/**
 * Reads the owner's roles from Auth0, cached for a minute: a role revoked in the admin console
 * stops the owner's tokens within that minute, without a Management API call per request.
 */
const rolesFromAuth0: CurrentRoles = async (userId) => {
  const cached = roleCache.get(userId);
  if (cached && Date.now() - cached.at < ROLE_CACHE_MS) return cached.roles;
  // A user Auth0 no longer has holds no role; Auth0 failing is an AppError (`upstream_unavailable`).
  const user = await auth0().getUser(userId, { fields: "app_metadata,blocked" });
  const roles =
    !user || user.blocked || user.app_metadata?.deleted === true ? [] : parseRoles(user.app_metadata?.roles);
  roleCache.set(userId, { roles, at: Date.now() });
  return roles;
};

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
