import "server-only";
import type { ManagementClient } from "auth0";
import { managementClient } from "@/lib/mgmt/management-client";
import { searchStaff, toStaffMember, upstream, type Auth0UserRoles, type StaffMember } from "./auth0-user-roles";

/** Everyone holding `compliance` or `admin`, admins first. */
export async function listStaffMembers(mgmt: ManagementClient = managementClient()): Promise<StaffMember[]> {
  let users: Auth0UserRoles[];
  try {
    users = await searchStaff(mgmt);
  } catch (error) {
    throw upstream(error, "listing staff");
  }
  return users
    .map(toStaffMember)
    .filter((member) => member.roles.length > 0)
    .sort(
      (a, b) =>
        Number(b.roles.includes("admin")) - Number(a.roles.includes("admin")) ||
        (a.email ?? a.userId).localeCompare(b.email ?? b.userId),
    );
}
