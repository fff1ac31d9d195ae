import "server-only";
import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";
import { env } from "@/lib/env";
import { safeRedirectPath } from "@/lib/http/safe-redirect";
import type { Actor } from "./actor";
import { auth0 } from "./auth0";
import { rolesFromAuth0, type CurrentRoles } from "./current-roles";
import type { PortalSessionData } from "./session-store";
import { hasRole, parseRoles, primaryRole, type Role } from "./roles";

/** The signed-in person, as the server sees them (for navigation; use cases take an Actor). */
export interface Viewer {
  userId: string;
  email: string;
  /** The ID token's `email_verified` at sign-in (ADR 040). */
  emailVerified: boolean;
  name: string;
  roles: Role[];
  role: Role;
  /** The session's id in the session store (lib/auth/session-store.ts), to mark "this session". */
  sessionId: string | null;
}

/**
 * The viewer behind a stored session. A session that claims a staff role at sign-in acts with
 * the roles its owner holds now in Auth0 (read at most a minute ago, ADR 035), never with the
 * ID token's copy: a revoked admin is an admin no longer within that minute. A staff member
 * who holds no staff role any more (revoked, blocked or deleted in Auth0) is signed out: their
 * sessions end, and they sign in again as the person they now are.
 */
export async function viewerFromSession(
  session: SessionData | null,
  currentRoles: CurrentRoles = rolesFromAuth0,
): Promise<Viewer | null> {
  if (!session) return null;
  const { user } = session;
  let roles = parseRoles(user[env().AUTH0_ROLES_CLAIM]);
  if (roles.includes("compliance") || roles.includes("admin")) {
    roles = await currentRoles(user.sub);
    if (!hasRole(roles, "compliance")) {
      await endUserSessions(user.sub, "staff member no longer active in Auth0");
      return null;
    }
  }
  const sessionId = (session as Partial<PortalSessionData>).portalSessionId ?? null;
  return {
    userId: user.sub,
    email: user.email ?? "",
    emailVerified: user.email_verified === true,
    name: user.name ?? user.email ?? user.sub,
    roles,
    role: primaryRole(roles),
    sessionId,
  };
}

/** The signed-in viewer of this request (read once per request: layouts, header and page share it). */
export const getViewer = cache(async (): Promise<Viewer | null> => viewerFromSession(await auth0().getSession()));

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
    emailVerified: viewer.emailVerified,
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
