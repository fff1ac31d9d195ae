import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { db } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { forgetCurrentRoles } from "@/lib/auth/current-roles";
import { recordStaffMember } from "@/lib/auth/staff-directory";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";
import { appendAdminChange } from "./append-admin-change";
import { readUser, resolveUser, searchStaff, storedRoles, toStaffMember, type StaffMember } from "./auth0-user-roles";
import { changeStaffRoleSchema, type ChangeStaffRoleInput } from "./schemas";

/**
 * Admins other than `exceptUserId`, each confirmed by reading the user itself (search results
 * can lag a recent change; a user read cannot).
 */
export async function countOtherAdmins(auth0: Auth0Gateway, exceptUserId: string): Promise<number> {
  const candidates = (await searchStaff(auth0)).filter((user) => user.user_id && user.user_id !== exceptUserId);
  let admins = 0;
  for (const candidate of candidates) {
    if (!storedRoles(candidate).includes("admin")) continue;
    const fresh = await readUser(auth0, candidate.user_id!);
    if (storedRoles(fresh).includes("admin")) admins += 1;
  }
  return admins;
}

export interface RoleChangeResult {
  changed: boolean;
  member: StaffMember;
}

/**
 * Grants or revokes `compliance` or `admin` by PATCHing the user's whole `app_metadata.roles`
 * array (app_metadata merges at its root, so the array is replaced as a unit; other keys such as
 * `deleted` stay). Role changes are serialized across portal instances, logged in the same
 * transaction (if the PATCH fails nothing is logged), and refused when they would leave no
 * admin — so the last admin cannot remove themselves. Revoking ends the person's sessions at
 * once (ADR 035); a grant reaches a staff session within a minute, a person's at their next sign-in.
 */
export async function changeStaffRole(
  input: ChangeStaffRoleInput,
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<RoleChangeResult> {
  const { user, role, change } = parseInput(changeStaffRoleSchema, input);
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('admin:roles'))`;
      const found = await resolveUser(auth0, user);
      // Read the user itself: the by-email index may lag, the user record does not.
      const target = await readUser(auth0, found.user_id!);
      const userId = target.user_id!;
      const before = storedRoles(target);
      const has = before.includes(role);
      if ((change === "grant" && has) || (change === "revoke" && !has)) {
        return { changed: false, member: toStaffMember(target) };
      }
      if (change === "revoke" && role === "admin") {
        const others = await countOtherAdmins(auth0, userId);
        if (others === 0) {
          throw new AppError(
            "conflict",
            userId === actor.id
              ? "You are the last admin. Make someone else an admin before removing your own admin role."
              : "This is the last admin. Make someone else an admin first.",
            { field: "user" },
          );
        }
      }
      const after = change === "grant" ? [...before, role] : before.filter((existing) => existing !== role);
      await appendAdminChange(
        { action: change === "grant" ? "role.grant" : "role.revoke", target: userId, before, after },
        actor,
        tx,
      );
      const updated = await auth0.updateUser(userId, { app_metadata: { roles: after } });
      // Name them on staff pages from now on, even before their first staff sign-in (ADR 041).
      if (updated.email) await recordStaffMember({ staffId: userId, email: updated.email }, tx);
      // A revoked role stops at once: the person signs in again with what they hold now.
      if (change === "revoke") await endUserSessions(userId, `${role} role revoked`, tx);
      else forgetCurrentRoles(userId);
      return { changed: true, member: toStaffMember(updated) };
    },
    // Several Management API calls happen under the lock.
    { maxWait: 15_000, timeout: 60_000 },
  );
}
