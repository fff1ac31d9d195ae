import "server-only";
// Reading and resolving Auth0 users' staff roles (app_metadata.roles) for the roles page.
import { ManagementError, type ManagementClient } from "auth0";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { STAFF_ROLES, type StaffRole } from "./schemas";

export interface StaffMember {
  userId: string;
  email: string | null;
  name: string | null;
  roles: StaffRole[];
}

export interface Auth0UserRoles {
  user_id?: string;
  email?: string;
  name?: string;
  app_metadata?: { roles?: unknown; [key: string]: unknown };
}

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

export function upstream(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ManagementError && error.statusCode === 404) {
    return new AppError("not_found", "No such user in Auth0.", { field: "user" });
  }
  logger.warn({ err: error }, `roles: ${what} failed`);
  return new AppError("upstream_unavailable", `Auth0 did not answer (${what}). Try again in a moment.`);
}

/** Search for everyone holding a staff role (Auth0 user search; it may lag a change by seconds). */
export async function searchStaff(mgmt: ManagementClient): Promise<Auth0UserRoles[]> {
  const page = await mgmt.users.list({
    q: STAFF_QUERY,
    search_engine: "v3",
    per_page: 100,
    fields: USER_FIELDS,
    include_fields: true,
  });
  return page.data;
}

export async function readUser(mgmt: ManagementClient, userId: string): Promise<Auth0UserRoles> {
  return await mgmt.users.get(userId, { fields: USER_FIELDS, include_fields: true });
}

/** An email address is looked up (exact match); anything else is taken as an Auth0 user id. */
export async function resolveUser(mgmt: ManagementClient, user: string): Promise<Auth0UserRoles> {
  if (z.email().safeParse(user).success) {
    const found = (await mgmt.users.listUsersByEmail({
      email: user,
      fields: USER_FIELDS,
      include_fields: true,
    })) as Auth0UserRoles[];
    if (found.length === 0) throw new AppError("not_found", "No Auth0 user has this email address.", { field: "user" });
    if (found.length > 1) {
      throw new AppError("validation_failed", "Several Auth0 users have this email address: enter the user id.", {
        field: "user",
      });
    }
    return found[0]!;
  }
  return readUser(mgmt, user);
}
