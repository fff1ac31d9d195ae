import type { Role } from "./roles";

/**
 * Who does something: built once by the request wrappers (`lib/http/define-*`) from the session or
 * token, or by `systemActor` for the demo seed, scripts and tests, and passed to every use case.
 * Every audit table stores it the same way (`auditActor`).
 */
type ActorKind = "person" | "staff" | "api_client" | "system";

type ActorChannel =
  | { type: "session" }
  | { type: "api_token"; tokenId: string }
  /** An Auth0 access token for the portal's API (ADR 033), with the scopes it carries. */
  | { type: "access_token"; scopes: readonly string[] }
  | { type: "system" };

export interface Actor {
  kind: ActorKind;
  /** Auth0 user id (person, staff), client id (API client) or component name (system). */
  id: string;
  roles: readonly Role[];
  /** For logs and pages, never for decisions. */
  displayName: string;
  /** A session's email address; empty for tokens and the system. */
  email: string;
  /** The session's ID token said the address is verified (Auth0's `email_verified`, at sign-in). */
  emailVerified?: boolean;
  via: ActorChannel;
}

/** The portal itself (the demo seed, scripts, migrations, tests), named by component. */
export function systemActor(id: string): Actor {
  return { kind: "system", id, roles: [], displayName: id, email: "", via: { type: "system" } };
}

/** The highest role held, as the access log records it. */
export function actorRole(actor: Actor): "user" | "compliance" | "admin" | "system" | "api_client" {
  if (actor.kind === "system") return "system";
  if (actor.kind === "api_client") return "api_client";
  if (actor.roles.includes("admin")) return "admin";
  if (actor.roles.includes("compliance")) return "compliance";
  return "user";
}

/** The columns every audit table (ConsentEvent, AccessLog, AdminChange) stores for an actor. */
export function auditActor(actor: Actor): { actorType: "self" | "staff" | "api_client" | "system"; actorId: string } {
  return { actorType: actor.kind === "person" ? "self" : actor.kind, actorId: actor.id };
}

/** How the access log records the channel. */
export function actorChannel(actor: Actor): Record<string, string> {
  if (actor.via.type === "api_token") return { via: "api_token", tokenId: actor.via.tokenId };
  if (actor.via.type === "access_token") return { via: "access_token", scope: actor.via.scopes.join(" ") };
  return { via: actor.via.type };
}

/** A signed-out visitor (sign-up): a person without an id yet. */
export function anonymousVisitor(): Actor {
  return { kind: "person", id: "anonymous", roles: [], displayName: "visitor", email: "", via: { type: "session" } };
}
