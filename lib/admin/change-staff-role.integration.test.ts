import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { changeStaffRole } from "./change-staff-role";
import { listStaffMembers } from "./list-staff-members";
import { readAdminChanges } from "./read-admin-changes";
import { readStaffEmails } from "@/lib/auth/staff-directory";
import { adminActor } from "@/test/actors";
import { expectFailingAuditToAbort } from "@/test/failing-audit";

let tenant: TestTenant;
let mgmt: ManagementClient;
let auth0: Auth0Gateway;
let admin: string;
let person: string;

async function createUser(email: string, appMetadata: Record<string, unknown>): Promise<string> {
  const user = await mgmt.users.create({
    connection: "Username-Password-Authentication",
    email,
    password: "Str0ng-enough-pass",
    app_metadata: appMetadata,
  });
  return user.user_id!;
}

async function rolesOf(userId: string): Promise<unknown> {
  return (await mgmt.users.get(userId)).app_metadata;
}

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: ["read:users", "create:users", "update:users", "delete:sessions"] });
  mgmt = createManagementClient(tenant.credentials);
  auth0 = createAuth0Gateway(tenant.credentials);
  admin = await createUser("only.admin@example.com", { roles: ["admin"] });
  person = await createUser("someone@example.com", { roles: ["user", "beta-tester"], deleted: false, plan: "full" });
});

afterAll(async () => {
  await tenant?.close();
});

describe("staff roles", () => {
  it("grants a role by email, replacing the whole roles array and keeping the rest of app_metadata", async () => {
    const result = await changeStaffRole(
      { user: "someone@example.com", role: "compliance", change: "grant" },
      adminActor(admin),
      auth0,
    );
    expect(result).toMatchObject({ changed: true, member: { userId: person, roles: ["compliance"] } });
    expect(await rolesOf(person)).toEqual({
      roles: ["user", "beta-tester", "compliance"],
      deleted: false,
      plan: "full",
    });
    // Staff pages name them by email from now on, before their first staff sign-in (ADR 041).
    expect(await readStaffEmails([person])).toEqual(new Map([[person, "someone@example.com"]]));
    // Granting again changes nothing and logs nothing more.
    expect(
      await changeStaffRole({ user: person, role: "compliance", change: "grant" }, adminActor(admin), auth0),
    ).toMatchObject({
      changed: false,
    });
    const changes = await readAdminChanges(["role.grant"]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      actorId: admin,
      target: person,
      before: ["user", "beta-tester"],
      after: ["user", "beta-tester", "compliance"],
    });
  });

  it("lists staff, admins first", async () => {
    const staff = await listStaffMembers(auth0);
    expect(staff.map((member) => [member.email, member.roles])).toEqual([
      ["only.admin@example.com", ["admin"]],
      ["someone@example.com", ["compliance"]],
    ]);
  });

  it("refuses to remove the last admin, themselves included, and allows it once there is another", async () => {
    await expect(
      changeStaffRole({ user: admin, role: "admin", change: "revoke" }, adminActor(admin), auth0),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/You are the last admin/) as unknown,
    });
    expect(await rolesOf(admin)).toEqual({ roles: ["admin"] });

    await changeStaffRole({ user: person, role: "admin", change: "grant" }, adminActor(admin), auth0);
    await changeStaffRole({ user: admin, role: "admin", change: "revoke" }, adminActor(admin), auth0);
    expect(await rolesOf(admin)).toEqual({ roles: [] });
    // Now `person` is the only admin; nobody can remove them either.
    await expect(
      changeStaffRole({ user: person, role: "admin", change: "revoke" }, adminActor(admin), auth0),
    ).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/This is the last admin/) as unknown,
    });
    expect((await readAdminChanges(["role.revoke"])).map((change) => change.target)).toEqual([admin]);
  });

  it("says which field is wrong for an unknown user", async () => {
    await expect(
      changeStaffRole({ user: "nobody@example.com", role: "compliance", change: "grant" }, adminActor(admin), auth0),
    ).rejects.toMatchObject({ code: "not_found", field: "user" });
    await expect(
      changeStaffRole({ user: "auth0|doesnotexist", role: "compliance", change: "grant" }, adminActor(admin), auth0),
    ).rejects.toMatchObject({ code: "not_found", field: "user" });
  });

  it("changes nothing in Auth0 when the audit row cannot be written", async () => {
    const outsider = await createUser("not.yet.staff@example.com", { plan: "free" });
    await expectFailingAuditToAbort(() =>
      changeStaffRole({ user: outsider, role: "compliance", change: "grant" }, adminActor(admin), auth0),
    );
    expect(await rolesOf(outsider)).toEqual({ plan: "free" });
  });
});
