import type { Viewer } from "@/lib/auth/viewer";

/** A staff member acting in the compliance workspace or through the Management API proxy. */
export interface StaffActor {
  /** Their Auth0 user id. */
  userId: string;
  role: "compliance" | "admin";
  /** A browser session, or a staff API token (then its id, for the access log). */
  via: { type: "session" } | { type: "api_token"; tokenId: string };
}

/** The staff actor of a signed-in viewer whose role was already checked (compliance or more). */
export function staffActorFromViewer(viewer: Viewer): StaffActor {
  if (viewer.role === "user") throw new Error("staffActorFromViewer needs a compliance or admin viewer");
  return { userId: viewer.userId, role: viewer.role, via: { type: "session" } };
}

/** How the access log records the channel. */
export function accessChannel(actor: StaffActor): Record<string, string> {
  return actor.via.type === "api_token" ? { via: "api_token", tokenId: actor.via.tokenId } : { via: "session" };
}
