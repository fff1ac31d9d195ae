import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { endUserSessions } from "@/lib/sessions/end-user-sessions";
import { forgetCurrentRoles } from "@/lib/auth/current-roles";
import { appendAdminChange } from "./append-admin-change";
import { storedRoles } from "./auth0-user-roles";
import { countOtherAdmins } from "./change-staff-role";

/** What a Management API proxy write does to a person's standing (ADR 035). */
export interface StandingChange {
  userId: string;
  /** `app_metadata.roles` as the request sets it; undefined when the request leaves it alone. */
  rolesAfter?: unknown;
  /** The request deletes, blocks or flags the person deleted: they keep no role in practice. */
  removesAccess: boolean;
}

/** Carries Auth0's refusal out of the transaction, so the change log rolls back with it. */
class UpstreamRefused<R> extends Error {
  constructor(readonly response: R) {
    super("upstream refused the change");
  }
}

/**
 * A proxy write that touches staff roles or a person's access, held to the same rules as the
 * roles page (`changeStaffRole`): serialized with every role change, refused when it would leave
 * no admin, recorded in the admin change log in the transaction of the change (rolled back when
 * Auth0 refuses it), and the person's sessions end when something is taken away.
 */
export async function changeStaffStandingThroughProxy<R extends { status: number }>(
  change: StandingChange,
  actor: Actor,
  auth0: Auth0Gateway,
  send: () => Promise<R>,
): Promise<R> {
  const rolesAfter = change.rolesAfter;
  if (
    rolesAfter !== undefined &&
    (!Array.isArray(rolesAfter) || !rolesAfter.every((role): role is string => typeof role === "string"))
  ) {
    throw new AppError("bad_request", "Payload validation error: app_metadata.roles must be an array of strings", {
      errorCode: "invalid_body",
      field: "app_metadata.roles",
    });
  }
  try {
    return await db().$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('admin:roles'))`;
        const target = await auth0.getUser(change.userId, { fields: "user_id,app_metadata", includeFields: true });
        if (!target) return send(); // Auth0 answers for a user it does not have.
        const before = storedRoles(target);
        const after = rolesAfter ?? before;
        const losesAdmin = before.includes("admin") && (!after.includes("admin") || change.removesAccess);
        if (losesAdmin && (await countOtherAdmins(auth0, change.userId)) === 0) {
          throw new AppError("conflict", "This is the last admin. Make someone else an admin first.", {
            errorCode: "last_admin",
            field: change.removesAccess ? undefined : "app_metadata.roles",
          });
        }
        const added = after.filter((role) => !before.includes(role));
        const removed = before.filter((role) => !after.includes(role));
        if (added.length)
          await appendAdminChange({ action: "role.grant", target: change.userId, before, after }, actor, tx);
        if (removed.length) {
          await appendAdminChange({ action: "role.revoke", target: change.userId, before, after }, actor, tx);
        }
        const response = await send();
        if (response.status >= 300) throw new UpstreamRefused(response);
        if (removed.length || change.removesAccess) {
          await endUserSessions(change.userId, "access changed through the Management API proxy", tx);
        } else {
          forgetCurrentRoles(change.userId);
        }
        return response;
      },
      // Several Management API calls happen under the lock, as in changeStaffRole.
      { maxWait: 15_000, timeout: 60_000 },
    );
  } catch (error) {
    if (error instanceof UpstreamRefused) return error.response as R;
    throw error;
  }
}
