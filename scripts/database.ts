import { join } from "node:path";
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
