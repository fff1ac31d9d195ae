// `npm run db:migrate` runs as the owner role, and says loudly when it has to fall back to the
// portal's own URL; `npm start` warns when the portal's role could undo the append-only triggers.
import { spawnSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "@/test/database";
import { databaseUrl, privilegedPortalRoleWarning } from "./db/database-roles";
import { readMigrations } from "./db/migrate";

function dbMigrate(env: Record<string, string>) {
  const result = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/db-migrate.ts"], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: process.env.HOME, LOCAL_STACK_IGNORE_DOTENV: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

const ownerOf = async () =>
  databaseUrl(inject("ownerUrl"), { database: await createEmptyDatabase(inject("postgresAdminUrl")) });

describe("npm run db:migrate", () => {
  it("migrates as DATABASE_OWNER_URL, without a warning", async () => {
    const ownerUrl = await ownerOf();
    const { status, stdout, stderr } = dbMigrate({
      DATABASE_OWNER_URL: ownerUrl,
      DATABASE_URL: databaseUrl(inject("appUrl"), { database: new URL(ownerUrl).pathname.slice(1) }),
    });
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    expect(stdout).toMatch(`Applied ${(await readMigrations()).length} migration(s): `);
  });

  it("falls back to DATABASE_URL with one warning that says what is at stake", async () => {
    const { status, stdout, stderr } = dbMigrate({ DATABASE_URL: await ownerOf() });
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Applied \d+ migration\(s\)/);
    expect(stderr).toBe(
      [
        "⚠ DATABASE_OWNER_URL is not set: the migrations run with DATABASE_URL.",
        "  The portal's own role then owns the tables, and a table owner can switch off the ledger's",
        "  append-only triggers (ALTER TABLE … DISABLE TRIGGER) and rewrite the evidence.",
        "  Set DATABASE_OWNER_URL to the owner role, and DATABASE_URL to a login that is a member of",
        '  consent_app and owns nothing (README, "Database roles").',
      ].join("\n"),
    );
  });
});

describe("the check of the portal's role at start-up", () => {
  it("is silent for the application login, and warns for the owner and for a superuser", async () => {
    expect(await privilegedPortalRoleWarning(process.env.DATABASE_URL!)).toBeUndefined();
    expect(await privilegedPortalRoleWarning(process.env.DATABASE_OWNER_URL!)).toMatch(
      /^⚠ The portal's database role "consent_owner" owns \d+ tables, indexes or sequences:\n {2}it could switch off/,
    );
    expect(await privilegedPortalRoleWarning(inject("postgresAdminUrl"))).toMatch(
      /^⚠ The portal's database role "postgres" is a superuser:/,
    );
  });
});
