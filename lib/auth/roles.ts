const ROLES = ["user", "compliance", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Reads roles from the namespaced ID-token claim; unknown values are ignored. */
export function parseRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return [];
  return ROLES.filter((role) => claim.includes(role));
}

/** Admins can do everything compliance staff can; everyone signed in is a user. */
export function hasRole(roles: readonly Role[], required: Role): boolean {
  if (required === "user") return true;
  if (required === "compliance") return roles.includes("compliance") || roles.includes("admin");
  return roles.includes("admin");
}

/** The role to show: the highest one held. */
export function primaryRole(roles: readonly Role[]): Role {
  if (roles.includes("admin")) return "admin";
  if (roles.includes("compliance")) return "compliance";
  return "user";
}
