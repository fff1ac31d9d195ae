import { describe, expect, it } from "vitest";
import { hasRole, parseRoles, primaryRole } from "./roles";

describe("roles", () => {
  it("keeps only known roles from the ID-token claim", () => {
    expect(parseRoles(["admin", "superuser", 7])).toEqual(["admin"]);
    expect(parseRoles("admin")).toEqual([]);
    expect(parseRoles(undefined)).toEqual([]);
  });

  it("lets admins do what compliance staff do, but not the reverse", () => {
    expect(hasRole(["admin"], "compliance")).toBe(true);
    expect(hasRole(["compliance"], "admin")).toBe(false);
    expect(hasRole([], "user")).toBe(true);
    expect(hasRole([], "compliance")).toBe(false);
  });

  it("shows the highest role held", () => {
    expect(primaryRole(["user", "compliance"])).toBe("compliance");
    expect(primaryRole(["compliance", "admin"])).toBe("admin");
    expect(primaryRole([])).toBe("user");
  });
});
