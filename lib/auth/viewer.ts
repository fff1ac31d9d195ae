import "server-only";
import { forbidden, redirect } from "next/navigation";
import { env } from "@/lib/env";
import { auth0 } from "./auth0";
import { hasRole, parseRoles, primaryRole, type Role } from "./roles";

/** The signed-in person, as the server sees them. */
export interface Viewer {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  role: Role;
}

export async function getViewer(): Promise<Viewer | null> {
  const session = await auth0().getSession();
  if (!session) return null;
  const { user } = session;
  const roles = parseRoles(user[env().AUTH0_ROLES_CLAIM]);
  return {
    userId: user.sub,
    email: user.email ?? "",
    name: user.name ?? user.email ?? user.sub,
    roles,
    role: primaryRole(roles),
  };
}

/**
 * Every page, route handler and server action calls this itself: signed-out visitors are
 * sent to sign in, signed-in people without the role get 403.
 */
export async function requireRole(role: Role, returnTo = "/"): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  if (!hasRole(viewer.roles, role)) forbidden();
  return viewer;
}
