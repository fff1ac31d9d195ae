import "server-only";
// Reading and resolving Auth0 users' staff roles (app_metadata.roles) for the roles page.
import { z } from "zod";
import type { Auth0Gateway, Auth0User } from "@/lib/auth0/auth0-gateway";
import { AppError } from "@/lib/errors";
import { STAFF_ROLES, type StaffRole } from "./schemas";

export interface StaffMember {
  userId: string;
  email: string | null;
  name: string | null;
  roles: StaffRole[];
}

export type Auth0UserRoles = Auth0User;

const STAFF_QUERY = STAFF_ROLES.map((role) => `app_metadata.roles:"${role}"`).join(" OR ");
const USER_FIELDS = "user_id,email,name,app_metadata";

/** The whole `app_metadata.roles` array as stored (unknown values other apps use are kept). */
export function storedRoles(user: Auth0UserRoles): string[] {
  const roles = user.app_metadata?.roles;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : [];
}

export function toStaffMember(user: Auth0UserRoles): StaffMember {
  const roles = storedRoles(user);
  return {
    userId: user.user_id ?? "",
    email: user.email ?? null,
    name: user.name ?? null,
    roles: STAFF_ROLES.filter((role) => roles.includes(role)),
  };
}

/** Search for everyone holding a staff role (Auth0 user search; it may lag a change by seconds). */
export async function searchStaff(auth0: Auth0Gateway): Promise<Auth0UserRoles[]> {
  return auth0.searchUsers(STAFF_QUERY, { perPage: 100, fields: USER_FIELDS, includeFields: true });
}

export async function readUser(auth0: Auth0Gateway, userId: string): Promise<Auth0UserRoles> {
  const user = await auth0.getUser(userId, { fields: USER_FIELDS, includeFields: true });
  if (!user) throw new AppError("not_found", "No such user in Auth0.", { field: "user" });
  return user;
}

/** An email address is looked up (exact match); anything else is taken as an Auth0 user id. */
export async function resolveUser(auth0: Auth0Gateway, user: string): Promise<Auth0UserRoles> {
  if (z.email().safeParse(user).success) {
    const found = await auth0.findUsersByEmail(user, { fields: USER_FIELDS, includeFields: true });
    if (found.length === 0) throw new AppError("not_found", "No Auth0 user has this email address.", { field: "user" });
    if (found.length > 1) {
      throw new AppError("validation_failed", "Several Auth0 users have this email address: enter the user id.", {
        field: "user",
      });
    }
    return found[0]!;
  }
  return readUser(auth0, user);
}
