import { describe, expect, it } from "vitest";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { authenticateStaffApiToken } from "./authenticate-staff-api-token";
import { createStaffApiToken } from "./create-staff-api-token";
import { listStaffApiTokens } from "./list-staff-api-tokens";
import { revokeStaffApiToken } from "./revoke-staff-api-token";
import { hashStaffToken } from "./token-format";
import { adminActor, staffActor } from "@/test/actors";

const admin = adminActor("auth0|token-admin");
const compliance = staffActor("auth0|token-compliance");
const holds = (roles: Role[]) => ({ currentRoles: () => Promise.resolve(roles) });

describe("staff API tokens", () => {
  it("are shown once, stored only as a hash, and act as their owner", async () => {
    const { id, token } = await createStaffApiToken(
      {
        label: "nightly audit script",
        role: "admin",
        expiresInDays: 30,
      },
      admin,
    );
    const row = await db().staffApiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(hashStaffToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await listStaffApiTokens(admin)).map((listed) => listed.id)).toContain(id);
    expect((await listStaffApiTokens(admin)).every((listed) => !("tokenHash" in listed))).toBe(true);
    expect(await authenticateStaffApiToken(token, holds(["admin"]))).toEqual({
      kind: "staff",
      id: admin.id,
      roles: ["compliance", "admin"],
      displayName: expect.stringContaining(admin.id) as unknown,
      email: "",
      via: { type: "api_token", tokenId: id },
    });
    expect((await db().staffApiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
  });

  it("never act with more than the owner holds now", async () => {
    const { token } = await createStaffApiToken({ label: "demoted later", role: "admin", expiresInDays: 1 }, admin);
    expect(await authenticateStaffApiToken(token, holds(["compliance"]))).toMatchObject({ roles: ["compliance"] });
    expect(await authenticateStaffApiToken(token, holds(["user"]))).toBeNull();
    const readOnly = await createStaffApiToken({ label: "read only", role: "compliance", expiresInDays: 1 }, admin);
    expect(await authenticateStaffApiToken(readOnly.token, holds(["admin"]))).toMatchObject({ roles: ["compliance"] });
  });

  it("cannot be made to write by compliance staff, nor minted with a token", async () => {
    await expect(
      createStaffApiToken({ label: "sneaky", role: "admin", expiresInDays: 1 }, compliance),
    ).rejects.toMatchObject({ code: "forbidden", field: "role" });
    await expect(
      createStaffApiToken(
        { label: "chain", role: "compliance", expiresInDays: 1 },
        { ...admin, via: { type: "api_token", tokenId: "x" } },
      ),
    ).rejects.toMatchObject({ code: "forbidden" });
  });

  it("stop working when revoked or expired, and unknown values are refused", async () => {
    const { id, token } = await createStaffApiToken(
      {
        label: "short lived",
        role: "compliance",
        expiresInDays: 1,
      },
      compliance,
    );
    const tomorrow = new Date(Date.now() + 86_400_000 + 1_000);
    expect(await authenticateStaffApiToken(token, { ...holds(["compliance"]), now: tomorrow })).toBeNull();
    await revokeStaffApiToken({ tokenId: id }, compliance);
    await revokeStaffApiToken({ tokenId: id }, compliance);
    expect(await authenticateStaffApiToken(token, holds(["compliance"]))).toBeNull();
    await expect(revokeStaffApiToken({ tokenId: id }, admin)).rejects.toMatchObject({ code: "not_found" });
    expect(await authenticateStaffApiToken(`cpst_${"A".repeat(43)}`, holds(["admin"]))).toBeNull();
    expect(await authenticateStaffApiToken("Bearer nonsense", holds(["admin"]))).toBeNull();
  });

  it("validate the form: a label, a role and at most 90 days", async () => {
    await expect(createStaffApiToken({ label: "x", role: "admin", expiresInDays: 1 }, admin)).rejects.toMatchObject({
      field: "label",
    });
    await expect(
      createStaffApiToken({ label: "long", role: "admin", expiresInDays: 365 }, admin),
    ).rejects.toMatchObject({
      field: "expiresInDays",
    });
  });
});
