import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded-postgres.js";
import { ROLES } from "./db/database-roles.js";
import { assertPortFree } from "./ports.js";
import { local, localSecrets } from "./local-config.js";

/** The embedded PostgreSQL of `npm start`, its role passwords kept in DATA_DIR/secrets.json. */
export async function startLocalDatabase(): Promise<EmbeddedDatabase> {
  await assertPortFree(local.postgresPort, "EMBEDDED_POSTGRES_PORT");
  const secrets = localSecrets();
  return startEmbeddedPostgres({
    dataDir: join(local.dataDir, "postgres"),
    port: local.postgresPort,
    database: "consent_portal",
    passwords: {
      superuser: secrets.POSTGRES_SUPERUSER_PASSWORD,
      owner: secrets.POSTGRES_OWNER_PASSWORD,
      app: secrets.POSTGRES_APP_PASSWORD,
    },
  });
}

/** Runs `work` against the embedded PostgreSQL, stopping it afterwards. */
export async function withLocalDatabase<T>(work: (database: EmbeddedDatabase) => Promise<T>): Promise<T> {
  const database = await startLocalDatabase();
  try {
    // stderr: `ledger:verify --json` keeps stdout for its report.
    for (const notice of database.notices) console.warn(notice);
    return await work(database);
  } finally {
    await database.stop();
  }
}

/**
 * The URL migrations run with: `DATABASE_OWNER_URL`, or else `DATABASE_URL` with a warning,
 * because the role that migrates owns the tables and an owner can switch off the ledger's
 * append-only triggers. Undefined when neither is set (the embedded server then).
 */
export function ownerUrlFromEnv(): string | undefined {
  if (process.env.DATABASE_OWNER_URL) return process.env.DATABASE_OWNER_URL;
  if (!process.env.DATABASE_URL) return undefined;
  console.warn(`
⚠ DATABASE_OWNER_URL is not set: the migrations run with DATABASE_URL.
  The portal's own role then owns the tables, and a table owner can switch off the ledger's
  append-only triggers (ALTER TABLE … DISABLE TRIGGER) and rewrite the evidence.
  Set DATABASE_OWNER_URL to the owner role, and DATABASE_URL to a login that is a member of
  ${ROLES.group} and owns nothing (README, "Database roles").
`);
  return process.env.DATABASE_URL;
}

/**
 * Warns when the portal's role could undo the database's guarantees: a superuser, or the
 * owner (or a member of the owner) of anything in the schema.
 */
export async function warnIfPortalRoleIsPrivileged(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string; superuser: boolean; owned: number }>(
      `SELECT current_user AS role, r.rolsuper AS superuser,
              (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const { role, superuser, owned } = rows[0]!;
    if (!superuser && owned === 0) return;
    console.warn(`
⚠ The portal's database role "${role}" ${superuser ? "is a superuser" : `owns ${owned} tables, indexes or sequences`}:
  it could switch off the ledger's append-only triggers and rewrite the evidence.
  Point DATABASE_URL at a login that is a member of ${ROLES.group} and owns nothing, and
  DATABASE_OWNER_URL at the owner role (README, "Database roles").
`);
  } finally {
    await client.end();
  }
}
