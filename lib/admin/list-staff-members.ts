import "server-only";
import { auth0 as portalAuth0, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { searchStaff, toStaffMember, type StaffMember } from "./auth0-user-roles";

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
