import { describe, it } from "vitest";
import { expectAppRolePrivileges } from "@/test/app-role-privileges";

// The migrations are the only place privileges come from: a fresh server is right by
// construction, and a table added without its GRANTs (or without an entry in the expected map)
// fails here, named.
describe("the portal's database role", () => {
  it("has exactly the expected privileges on every table, and can neither create nor own anything", async () => {
    await expectAppRolePrivileges(process.env.DATABASE_URL!);
  });
});
