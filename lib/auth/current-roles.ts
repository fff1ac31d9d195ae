import "server-only";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { parseRoles, type Role } from "./roles";

/**
 * The roles a staff member holds now, in Auth0 (`app_metadata.roles`); none if blocked, flagged
 * deleted or gone. Staff API tokens (ADR 013) and staff sessions (ADR 035) both act on this.
 */
export type CurrentRoles = (userId: string) => Promise<Role[]>;

const ROLE_CACHE_MS = 60_000;
const roleCache = new Map<string, { roles: Role[]; at: number }>();

/**
 * Reads the user's roles from Auth0, cached for a minute: a role revoked or a person blocked in
 * Auth0 reaches their tokens and sessions within that minute, without a Management API call per
 * request. A change the portal makes itself clears the entry at once (`forgetCurrentRoles`).
 */
export const rolesFromAuth0: CurrentRoles = async (userId) => {
  const cached = roleCache.get(userId);
  if (cached && Date.now() - cached.at < ROLE_CACHE_MS) return cached.roles;
  // A user Auth0 no longer has holds no role; Auth0 failing is an AppError (`upstream_unavailable`).
  const user = await auth0().getUser(userId, { fields: "app_metadata,blocked" });
  const roles =
    !user || user.blocked || user.app_metadata?.deleted === true ? [] : parseRoles(user.app_metadata?.roles);
  roleCache.set(userId, { roles, at: Date.now() });
  return roles;
};

/** After the portal changed a user's roles or standing: the next check reads Auth0 again. */
export function forgetCurrentRoles(userId: string): void {
  roleCache.delete(userId);
}
