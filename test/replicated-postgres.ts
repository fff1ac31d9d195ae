// A PostgreSQL primary with a streaming hot-standby replica, both from one directory of server
// binaries (a replica must run the primary's major version; Debian's PostgreSQL 15 here). Used by
// the replica integration test and the trust suite's two-instance scenario (ADR 039).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { databaseUrl, prepareDatabase, provisionRoles, ROLES } from "../scripts/db/database-roles";
import { migrate } from "../scripts/db/migrate";
import { freePort } from "./free-port";
import { POSTGRES_15_BIN } from "./postgres-server";

export interface ReplicatedPostgres {
  /** The portal's login on the primary and on the replica, and the owner on the primary. */
  appUrl: string;
  replicaAppUrl: string;
  ownerUrl: string;
  /** Superusers, to control replay and read WAL positions. */
  primarySuperuserUrl: string;
  replicaSuperuserUrl: string;
  /** Stops applying WAL on the replica (it keeps receiving it) until `resumeReplay`. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when called. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DATABASE = "consent_portal";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it holds: a wait on a condition, bounded, never a fixed sleep. */
async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function runAs(): { uid?: number; gid?: number } {
  // PostgreSQL refuses to run as root: run it as the `postgres` user then.
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
  };
}

function startServer(binDir: string, dataDir: string, port: number, user: { uid?: number; gid?: number }) {
  const server: ChildProcess = spawn(
    join(binDir, "postgres"),
    ["-D", dataDir, "-p", String(port), "-k", dataDir, "-c", "listen_addresses=localhost", "-c", "max_connections=200"],
    { ...user, stdio: "ignore" },
  );
  return server;
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    server.once("exit", () => resolve());
    server.kill("SIGINT"); // fast shutdown
  });
}

/**
 * Starts a primary, creates the portal's roles and database and migrates it, then clones it with
 * `pg_basebackup -R` into a hot standby that streams from it. Trust authentication on localhost:
 * the URLs carry no passwords.
 */
export async function startReplicatedPostgres(binDir = POSTGRES_15_BIN): Promise<ReplicatedPostgres> {
  const user = runAs();
  const primaryDir = mkdtempSync(join(tmpdir(), "consent-pg-primary-"));
  const replicaDir = mkdtempSync(join(tmpdir(), "consent-pg-replica-"));
  if (user.uid !== undefined) {
    chownSync(primaryDir, user.uid, user.gid!);
    chownSync(replicaDir, user.uid, user.gid!);
  }
  execFileSync(join(binDir, "initdb"), ["-D", primaryDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"], {
    ...user,
    stdio: "ignore",
  });
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const servers: ChildProcess[] = [startServer(binDir, primaryDir, primaryPort, user)];
  const stop = async () => {
    for (const server of servers.reverse()) await stopServer(server);
    rmSync(primaryDir, { recursive: true, force: true });
    rmSync(replicaDir, { recursive: true, force: true });
  };
  try {
    const primarySuperuserUrl = `postgresql://postgres@localhost:${primaryPort}/postgres`;
    await waitUntil("the primary", async () => (await query(primarySuperuserUrl, "SELECT 1")).length === 1, 30_000);
    const superuser = new pg.Client({ connectionString: primarySuperuserUrl });
    await superuser.connect();
    try {
      await provisionRoles(superuser, { owner: "owner", app: "app" });
      await prepareDatabase(superuser, DATABASE);
    } finally {
      await superuser.end();
    }
    const base = `postgresql://localhost:${primaryPort}/${DATABASE}`;
    const ownerUrl = databaseUrl(base, { user: ROLES.owner });
    await migrate(ownerUrl);

    execFileSync(
      join(binDir, "pg_basebackup"),
      [
        "-h",
        "localhost",
        "-p",
        String(primaryPort),
        "-U",
        "postgres",
        "-D",
        replicaDir,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
      ],
      { ...user, stdio: "ignore" },
    );
    servers.push(startServer(binDir, replicaDir, replicaPort, user));
    const replicaSuperuserUrl = `postgresql://postgres@localhost:${replicaPort}/postgres`;
    // A hot standby accepts connections once it has replayed to a consistent point.
    await waitUntil(
      "the replica",
      async () => (await query<{ r: boolean }>(replicaSuperuserUrl, "SELECT pg_is_in_recovery() AS r"))[0]!.r,
      60_000,
    );
    const replicaBase = `postgresql://localhost:${replicaPort}/${DATABASE}`;
    const waitForReplay = async (timeoutMs = 30_000) => {
      const [{ lsn }] = (await query<{ lsn: string }>(
        primarySuperuserUrl,
        "SELECT pg_current_wal_lsn()::text AS lsn",
      )) as [{ lsn: string }];
      await waitUntil(
        `the replica to replay ${lsn}`,
        async () =>
          (
            await query<{ done: boolean }>(
              replicaSuperuserUrl,
              `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`,
            )
          )[0]!.done,
        timeoutMs,
      );
    };
    await waitForReplay();
    return {
      appUrl: databaseUrl(base, { user: ROLES.app }),
      replicaAppUrl: databaseUrl(replicaBase, { user: ROLES.app }),
      ownerUrl,
      primarySuperuserUrl,
      replicaSuperuserUrl,
      pauseReplay: async () => {
        await query(replicaSuperuserUrl, "SELECT pg_wal_replay_pause()");
        await waitUntil(
          "replay to pause",
          async () =>
            (await query<{ state: string }>(replicaSuperuserUrl, "SELECT pg_get_wal_replay_pause_state() AS state"))[0]!
              .state === "paused",
          10_000,
        );
      },
      resumeReplay: async () => {
        await query(replicaSuperuserUrl, "SELECT pg_wal_replay_resume()");
      },
      waitForReplay,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
