import { mkdtempSync, cpSync, appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, inject, it, afterAll, beforeAll } from "vitest";
import { expectAppRolePrivileges } from "@/test/app-role-privileges";
import { createEmptyDatabase } from "@/test/database";
import { POSTGRES_15_BIN, startPostgresServer, type PostgresServer } from "@/test/postgres-server";
import { db } from "@/lib/db/client";
import { databaseUrl, ROLES } from "./database-roles";
import { MIGRATIONS_DIR, migrate, readMigrations } from "./migrate";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Scalar list fields (`events String[]`), as "Model.field": the runtime data model does not say
 * which fields are lists, schema.prisma does. They are PostgreSQL arrays.
 */
function scalarListFields(): Set<string> {
  const lists = new Set<string>();
  let model: string | undefined;
  for (const line of readFileSync("prisma/schema.prisma", "utf8").split("\n")) {
    model = /^model (\w+) \{/.exec(line)?.[1] ?? (line.startsWith("}") ? undefined : model);
    const field = /^\s+(\w+)\s+(String|Int|BigInt|Boolean|DateTime|Json|Bytes)\[\]/.exec(line);
    if (model && field) lists.add(`${model}.${field[1]}`);
  }
  return lists;
}

/** The portal's data model as the generated Prisma client knows it: table → column → type. */
function clientDataModel(): Map<string, Map<string, string>> {
  const lists = scalarListFields();
  const runtime = (
    db() as unknown as {
      _runtimeDataModel: {
        models: Record<
          string,
          { dbName: string | null; fields: Array<{ name: string; kind: string; type: string; dbName?: string | null }> }
        >;
      };
    }
  )._runtimeDataModel;
  const model = new Map<string, Map<string, string>>();
  for (const [name, definition] of Object.entries(runtime.models)) {
    const columns = new Map<string, string>();
    for (const field of definition.fields) {
      if (field.kind === "object") continue; // relations have no column of their own
      const type = lists.has(`${name}.${field.name}`) ? "List" : field.kind === "enum" ? "enum" : field.type;
      columns.set(field.dbName ?? field.name, type);
    }
    model.set(definition.dbName ?? name, columns);
  }
  return model;
}

const PRISMA_TO_POSTGRES: Record<string, string[]> = {
  String: ["text", "character varying", "uuid", "character"],
  Int: ["integer"],
  BigInt: ["bigint"],
  Boolean: ["boolean"],
  DateTime: ["timestamp with time zone", "timestamp without time zone", "date"],
  Json: ["jsonb", "json"],
  Bytes: ["bytea"],
  enum: ["USER-DEFINED"],
  List: ["ARRAY"],
};

async function databaseModel(url: string): Promise<Map<string, Map<string, string>>> {
  const rows = await query<{ table_name: string; column_name: string; data_type: string }>(
    url,
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`,
  );
  const model = new Map<string, Map<string, string>>();
  for (const row of rows) {
    const columns = model.get(row.table_name) ?? new Map<string, string>();
    columns.set(row.column_name, row.data_type);
    model.set(row.table_name, columns);
  }
  return model;
}

async function expectSchemaMatchesClient(url: string) {
  const expected = clientDataModel();
  const actual = await databaseModel(url);
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [table, columns] of expected) {
    const actualColumns = actual.get(table)!;
    expect([...actualColumns.keys()].sort(), `columns of ${table}`).toEqual([...columns.keys()].sort());
    for (const [column, type] of columns) {
      expect(PRISMA_TO_POSTGRES[type], `type of ${table}.${column}`).toContain(actualColumns.get(column));
    }
  }
}

/** A new empty database, and the owner role's URL for it: migrations run as the owner. */
async function emptyDatabaseAsOwner(): Promise<string> {
  return databaseUrl(inject("ownerUrl"), { database: await createEmptyDatabase(inject("postgresAdminUrl")) });
}

describe("SQL migrations", () => {
  it("apply to an empty database as the owner role, as Prisma records them, and match schema.prisma", async () => {
    const url = await emptyDatabaseAsOwner();
    const migrations = await readMigrations();
    expect(await migrate(url)).toEqual(migrations.map((migration) => migration.name));
    const recorded = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(recorded.map((row) => [row.migration_name, row.checksum])).toEqual(
      migrations.map((m) => [m.name, m.checksum]),
    );
    expect(recorded.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
    await expectSchemaMatchesClient(url);
  });

  it("are idempotent, also when two runs race (advisory lock)", async () => {
    const url = await emptyDatabaseAsOwner();
    const [first, second] = await Promise.all([migrate(url), migrate(url)]);
    expect([first, second].map((applied) => applied.length).sort((a, b) => a - b)).toEqual([
      0,
      (await readMigrations()).length,
    ]);
    expect(await migrate(url)).toEqual([]);
    const [{ count }] = (await query<{ count: string }>(url, `SELECT count(*) FROM "_prisma_migrations"`)) as [
      { count: string },
    ];
    expect(Number(count)).toBe((await readMigrations()).length);
  });

  it("refuse to run when an applied migration was edited afterwards", async () => {
    const url = await emptyDatabaseAsOwner();
    await migrate(url);
    const edited = mkdtempSync(join(tmpdir(), "migrations-"));
    cpSync(MIGRATIONS_DIR, edited, { recursive: true });
    const [firstName] = (await readMigrations()).map((m) => m.name);
    appendFileSync(join(edited, firstName!, "migration.sql"), "\n-- edited\n");
    await expect(migrate(url, edited)).rejects.toThrow(`Migration ${firstName} was changed after it was applied`);
  });

  it("roll back a failing migration completely and record nothing", async () => {
    const url = await emptyDatabaseAsOwner();
    const broken = mkdtempSync(join(tmpdir(), "migrations-"));
    cpSync(MIGRATIONS_DIR, broken, { recursive: true });
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(join(broken, "99999999999999_broken"));
    writeFileSync(
      join(broken, "99999999999999_broken", "migration.sql"),
      `CREATE TABLE "Half" (id int); SELECT * FROM "missing_table";`,
    );
    await expect(migrate(url, broken)).rejects.toThrow("Migration 99999999999999_broken failed");
    expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`)).toEqual([]);
    expect(
      await query(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`),
    ).toEqual([]);
  });
});

/** The README's SQL for a managed PostgreSQL, statement by statement as psql runs it: before and after `\connect`. */
function readmeRolesSql(passwords: { owner: string; portal: string }): { server: string[]; database: string[] } {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Database roles"));
  const sql = /```sql\n([\s\S]*?)```/
    .exec(section)![1]!
    .replace("'owner-password'", `'${passwords.owner}'`)
    .replace("'portal-password'", `'${passwords.portal}'`);
  const statements = (part: string) =>
    part
      .split("\n")
      .filter((line) => !line.startsWith("--"))
      .join("\n")
      .split(/;\s*\n/)
      .map((statement) => statement.trim())
      .filter(Boolean);
  const [server, database] = sql.split("\\connect consent_portal\n") as [string, string];
  return { server: statements(server), database: statements(database) };
}

describe("SQL migrations on PostgreSQL 15", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer(POSTGRES_15_BIN);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("refuse, naming the role to create, when consent_app is missing and the owner may not create it", async () => {
    const [{ server_version }] = (await query<{ server_version: string }>(server.url, "SHOW server_version")) as [
      { server_version: string },
    ];
    expect(server_version).toMatch(/^15\./);
    await query(server.url, "CREATE ROLE plain_owner LOGIN");
    await query(server.url, "CREATE DATABASE plain OWNER plain_owner");
    const ownerUrl = databaseUrl(server.url, { user: "plain_owner", database: "plain" });
    await expect(migrate(ownerUrl)).rejects.toThrow(
      "failed: The role consent_app does not exist, and plain_owner may not create it",
    );
  });

  it("apply as the owner the README's SQL sets up, and grant the portal's login exactly its privileges", async () => {
    const sql = readmeRolesSql({ owner: "owner-secret", portal: "portal-secret" });
    for (const statement of sql.server) await query(server.url, statement);
    for (const statement of sql.database)
      await query(databaseUrl(server.url, { database: "consent_portal" }), statement);
    // The cluster trusts local connections; roles and database are what matter here.
    const ownerUrl = databaseUrl(server.url, { user: ROLES.owner, database: "consent_portal" });
    expect(await migrate(ownerUrl)).toHaveLength((await readMigrations()).length);
    await expectSchemaMatchesClient(ownerUrl);
    await expectAppRolePrivileges(databaseUrl(server.url, { user: ROLES.app, database: "consent_portal" }));
  });
});
