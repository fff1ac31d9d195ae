import "server-only";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { isAppError } from "@/lib/errors";
import { readUser, searchStaff, toStaffMember, type StaffMember } from "./auth0-user-roles";

/** Everyone holding `compliance` or `admin`, admins first. */
export async function listStaffMembers(auth0: Auth0Gateway = portalAuth0()): Promise<StaffMember[]> {
  const users = await searchStaff(auth0);
  return users
    .map(toStaffMember)
    .filter((member) => member.roles.length > 0)
    .sort(
      (a, b) =>
        Number(b.roles.includes("admin")) - Number(a.roles.includes("admin")) ||
        (a.email ?? a.userId).localeCompare(b.email ?? b.userId),
    );
}

/**
 * One user's roles as Auth0 holds them now (read directly: the search behind listStaffMembers
 * may lag a change by seconds), or null when Auth0 has no such user or does not answer.
 */
export async function readStaffMember(
  userId: string,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<StaffMember | null> {
  try {
    return toStaffMember(await readUser(auth0, userId));
  } catch (error) {
    if (isAppError(error)) return null;
    throw error;
  }
}
