// Actors for tests: the same Actor the request wrappers build, without a session.
import { systemActor, type Actor } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/roles";

export { systemActor };

/** A person acting for themselves (recorded as `self`). */
export function personActor(id = "auth0|test-person"): Actor {
  return { kind: "person", id, roles: ["user"], displayName: id, email: "", via: { type: "session" } };
}

/** A staff member in a browser session; `compliance` unless roles say otherwise. */
export function staffActor(id = "auth0|test-staff", roles: Role[] = ["compliance"]): Actor {
  return { kind: "staff", id, roles, displayName: id, email: "", via: { type: "session" } };
}

export function adminActor(id = "auth0|test-admin"): Actor {
  return staffActor(id, ["compliance", "admin"]);
}

export const PERSON = personActor();
