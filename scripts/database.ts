import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./db/embedded-postgres.js";
import { assertPortFree } from "./ports.js";
import { local } from "./local-config.js";

/** Runs `work` against DATABASE_URL, or against the embedded PostgreSQL when it is unset. */
export async function withDatabase(work: (url: string) => Promise<void>): Promise<void> {
  if (process.env.DATABASE_URL) {
    await work(process.env.DATABASE_URL);
    return;
  }
  const database = await startLocalDatabase();
  try {
    await work(database.url);
  } finally {
    await database.stop();
  }
}

export async function startLocalDatabase() {
  await assertPortFree(local.postgresPort, "EMBEDDED_POSTGRES_PORT");
  return startEmbeddedPostgres({
    dataDir: join(local.dataDir, "postgres"),
    port: local.postgresPort,
    database: "consent_portal",
  });
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
export async function withPortalDatabase(work: (url: string) => Promise<void>): Promise<void> {
  const embedded = `postgresql://postgres:postgres@localhost:${local.postgresPort}/consent_portal`;
  if (!process.env.DATABASE_URL && (await reachable(embedded))) await work(embedded);
  else await withDatabase(work);
}
