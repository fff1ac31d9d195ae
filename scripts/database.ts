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

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * For maintenance commands: DATABASE_URL; otherwise the embedded database of a running
 * `npm start`; otherwise the embedded database, started for the command and stopped after it.
 */
export async function withPortalDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_URL) return work(process.env.DATABASE_URL);
  // As the portal's own role: maintenance needs no more than the portal has.
  const password = encodeURIComponent(localSecrets().POSTGRES_APP_PASSWORD);
  const embedded = `postgresql://${ROLES.app}:${password}@localhost:${local.postgresPort}/consent_portal`;
  if (await reachable(embedded)) return work(embedded);
  return withLocalDatabase((database) => work(database.url));
}
