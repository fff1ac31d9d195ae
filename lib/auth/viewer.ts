import "server-only";
import { forbidden, redirect } from "next/navigation";
import { env } from "@/lib/env";
import { safeRedirectPath } from "@/lib/http/safe-redirect";
import type { Actor } from "./actor";
import { auth0 } from "./auth0";
import { hasRole, parseRoles, primaryRole, type Role } from "./roles";

/** The signed-in person, as the server sees them (for navigation; use cases take an Actor). */
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
 * The session's actor for a handler that requires `role`: a person acting for themselves when
 * the role is `user`, staff otherwise (an admin on their own consent page is a person there).
 */
function sessionActor(viewer: Viewer, role: Role): Actor {
  return {
    kind: role === "user" ? "person" : "staff",
    id: viewer.userId,
    roles: viewer.roles,
    displayName: viewer.name,
    email: viewer.email,
    via: { type: "session" },
  };
}

export type SessionCheck = { ok: true; actor: Actor } | { ok: false; reason: "signed_out" | "forbidden" };

/** Checks the session against a required role; the wrappers turn the refusal into their own answer. */
export async function checkSession(role: Role): Promise<SessionCheck> {
  const viewer = await getViewer();
  if (!viewer) return { ok: false, reason: "signed_out" };
  if (!hasRole(viewer.roles, role)) return { ok: false, reason: "forbidden" };
  return { ok: true, actor: sessionActor(viewer, role) };
}

/** For pages and actions: signed-out visitors are sent to sign in, the wrong role gets 403. */
export async function requireSessionActor(role: Role, returnTo = "/"): Promise<Actor> {
  const check = await checkSession(role);
  if (check.ok) return check.actor;
  if (check.reason === "signed_out") redirect(`/auth/login?returnTo=${encodeURIComponent(safeRedirectPath(returnTo))}`);
  forbidden();
}
