// `npm start` / `npm run dev`: embedded PostgreSQL, migrations, demo data, the Auth0
// emulator and Next.js, in one process tree that Ctrl-C shuts down cleanly.
//   --dev       Next.js in development mode (hot reload) instead of a production build
//   --no-build  reuse the existing production build (.next)
//   --fresh     start from an empty data directory (used by the e2e tests)
//   --no-demo   no generated demo history (the demo accounts, one per role, are still made)
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "./db/migrate.js";
import { DEMO_PASSWORD, DEMO_USERS } from "../emulator/demo-users.js";
import { fail, local, localKeysFile, localSecrets } from "./local-config.js";
import { ownerUrlFromEnv, startLocalDatabase } from "./database.js";
import { privilegedPortalRoleWarning } from "./db/database-roles.js";
import { localEmulatorOptions } from "./local-emulator.js";
import { assertPortFree } from "./ports.js";
import { supervise } from "./supervise.js";

const args = new Set(process.argv.slice(2));
const dev = args.has("--dev");
const build = !dev && !args.has("--no-build");
/** Generated people on a new installation's first start, with the emulator (issue 16, point 7). */
const DEMO_HISTORY = { people: 2_000, weeks: 26 };
const demoHistory = !args.has("--no-demo");
if (args.has("--fresh")) rmSync(local.dataDir, { recursive: true, force: true });

const cleanups: Array<() => Promise<void>> = [];
let stopping: Promise<never> | undefined;
/** Stops Next.js, the emulator and PostgreSQL in that order, once, however often it is asked. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
    process.exit(code);
  })();
  return stopping;
}
// Ctrl-C reaches us twice (from the terminal and relayed by tsx): a second signal must not cut
// the clean-up short, so the handlers stay registered and shutdown() runs once.
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

/** The environment of Next.js: everything but the owner's credentials, which the portal never gets. */
function portalEnv(): NodeJS.ProcessEnv {
  const { DATABASE_OWNER_URL: _owner, ...env } = process.env;
  return env;
}

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(command, commandArgs, { stdio: "inherit", env });
}

/** Whether the portal answers its health check before it exits or two minutes pass. */
async function waitUntilAnswering(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

await assertPortFree(local.port, "PORT");
if (local.useEmulator) await assertPortFree(local.emulatorPort, "EMULATOR_PORT");
if (local.useLocalWitness) await assertPortFree(local.witnessPort, "WITNESS_PORT");

const secrets = localSecrets();
const keysFile = localKeysFile();
const appBaseUrl = process.env.APP_BASE_URL ?? `http://localhost:${local.port}`;
const EMBEDDED = "postgresql://embedded"; // replaced by the real URL once the server is up

Object.assign(process.env, {
  APP_BASE_URL: appBaseUrl,
  DATABASE_URL: process.env.DATABASE_URL || EMBEDDED,
  AUTH0_SECRET: process.env.AUTH0_SECRET ?? secrets.AUTH0_SECRET,
  ...(keysFile && { KEYS_FILE: keysFile }),
  AUTH0_ROLES_CLAIM: local.rolesClaim,
  API_AUDIENCE: local.apiAudience,
  NEXT_TELEMETRY_DISABLED: "1",
  ...(local.useEmulator && {
    AUTH0_DOMAIN: `http://localhost:${local.emulatorPort}`,
    AUTH0_CLIENT_ID: local.portalClientId,
    AUTH0_CLIENT_SECRET: secrets.AUTH0_CLIENT_SECRET,
    AUTH0_MGMT_CLIENT_ID: local.managementClientId,
    AUTH0_MGMT_CLIENT_SECRET: secrets.AUTH0_MGMT_CLIENT_SECRET,
  }),
});

// Check the configuration the way the portal will, before starting anything, so a missing
// secret is one clear line per variable.
const { parseEnv } = await import("../lib/env.js");
const { keyProvider } = await import("../lib/keys/key-provider.js");
try {
  parseEnv(process.env);
  keyProvider().read();
} catch (error) {
  fail((error as Error).message);
}

// Migrations run as the owner role; the portal, the seed and the outbox worker as the portal's
// login, which owns nothing (ADR 024).
let ownerUrl = local.useEmbeddedPostgres ? undefined : ownerUrlFromEnv();
const fellBack = !local.useEmbeddedPostgres && !process.env.DATABASE_OWNER_URL;
if (local.useEmbeddedPostgres) {
  try {
    const database = await startLocalDatabase();
    cleanups.push(() => database.stop());
    for (const notice of database.notices) console.log(notice);
    process.env.DATABASE_URL = database.url;
    ownerUrl = database.ownerUrl;
  } catch (error) {
    console.error(`\n✖ ${(error as Error).message}\n`);
    await shutdown(1);
  }
}
try {
  const applied = await migrate(ownerUrl!);
  if (applied.length) console.log(`Applied ${applied.length} migration(s).`);
  // The fallback to DATABASE_URL has already been warned about.
  if (!fellBack) {
    const warning = await privilegedPortalRoleWarning(process.env.DATABASE_URL!);
    if (warning) console.warn(`\n${warning}\n`);
  }
} catch (error) {
  console.error(`\n✖ ${(error as Error).message}\n`);
  await shutdown(1);
}

// Loaded only when needed: a real tenant needs none of the emulator's code.
let emulator: Awaited<ReturnType<typeof import("../emulator/server.js").startEmulator>> | undefined;
if (local.useEmulator) {
  const { startEmulator } = await import("../emulator/server.js");
  emulator = await startEmulator(localEmulatorOptions());
  cleanups.push(() => emulator!.close());
}

// One local witness, so checkpoints are cosigned from the first minute. In production the
// witnesses run elsewhere (the DPO's or an auditor's machine) and WITNESSES names them (ADR 028).
if (local.useLocalWitness) {
  const { startWitness } = await import("../lib/witness/witness-server.js");
  const { logConfig } = await import("../lib/transparency/log-config.js");
  const { verifierKeyOf } = await import("../lib/tlog/note.js");
  const log = logConfig();
  const witnessDir = join(local.dataDir, "witness");
  mkdirSync(witnessDir, { recursive: true });
  const witness = await startWitness({
    port: local.witnessPort,
    host: "localhost",
    keyFile: join(witnessDir, "witness.key"),
    stateFile: join(witnessDir, "state.json"),
    name: "localhost/consent-portal-witness",
    logs: [`${log.origin} ${verifierKeyOf(log.signerKey)}`],
  });
  cleanups.push(() => witness.close());
  process.env.WITNESSES = `${witness.url}#${witness.verifierKey}`;
  console.log(`Transparency log ${log.origin}, key ${verifierKeyOf(log.signerKey)}`);
  console.log(`Local witness on ${witness.url}, key ${witness.verifierKey}`);
}

const { seedDemoData } = await import("../lib/demo/seed-demo-data.js");
const withHistory = demoHistory && emulator !== undefined;
if (await seedDemoData({ historyWeeks: withHistory ? DEMO_HISTORY.weeks : undefined })) {
  console.log("Seeded demo data.");
}
if (emulator) {
  const { seedDemoPeople } = await import("../lib/demo/seed-demo-people.js");
  const people = DEMO_USERS.flatMap((demo) => {
    const user = emulator.store.findUserByEmail(demo.email);
    return user ? [{ auth0UserId: user.user_id, email: user.email, name: user.name }] : [];
  });
  const seeded = await seedDemoPeople(people);
  if (seeded) console.log(`Recorded the demo accounts' consent (${seeded}).`);
  if (withHistory) {
    const { seedDemoHistory } = await import("../lib/demo/seed-demo-history.js");
    const { ensureDemoHistoryUsers } = await import("../emulator/demo-users.js");
    const started = Date.now();
    const history = await seedDemoHistory({
      people: await ensureDemoHistoryUsers(emulator.store, DEMO_HISTORY.people),
      weeks: DEMO_HISTORY.weeks,
    });
    if (history) {
      console.log(
        `Generated DEMO DATA: ${history.people.toLocaleString("en")} people and ${history.events.toLocaleString("en")} consent decisions over ${DEMO_HISTORY.weeks} weeks (${((Date.now() - started) / 1000).toFixed(1)} s). \`npm start -- --fresh --no-demo\` starts without it.`,
      );
    }
  }
}

if (build) {
  const builder = run("node_modules/.bin/next", ["build"], { ...portalEnv(), NODE_ENV: "production" });
  const code = await new Promise<number | null>((resolve) => builder.once("exit", resolve));
  if (code !== 0) {
    console.error("\n✖ next build failed; see the output above.\n");
    await shutdown(1);
  }
}

// Next.js behind our own HTTP server, which tells the portal each request's socket address
// (ADR 027); plain tsx: Next.js itself must not run with the react-server condition. Node runs
// the server itself (tsx as a loader, not a wrapper process), so a crash of the portal is an exit
// of our child, which the supervisor starts again (issue 17).
// HOST=0.0.0.0 in a container: the portal must answer on every interface there.
// A young generation of up to 64 MB a half: the integrity job's verifier (and every request)
// allocates short-lived rows faster than V8's default 16 MB lets them die young (ADR 046).
const serveArgs = [
  "--max-semi-space-size=64",
  "--import",
  "tsx",
  "scripts/serve-portal.ts",
  "--port",
  String(local.port),
  "--hostname",
  process.env.HOST ?? "localhost",
];
const supervisor = supervise({
  start: () =>
    run(process.execPath, dev ? [...serveArgs, "--dev"] : serveArgs, {
      ...portalEnv(),
      NODE_ENV: dev ? "development" : "production",
    }),
  onRestart: (child) => {
    void waitUntilAnswering(`${appBaseUrl}/api/health`, child).then((up) => {
      if (up) console.log(`Consent Portal is running again at ${appBaseUrl}`);
    });
  },
  onGiveUp: (message) => {
    console.error(`\n${message}\n`);
    void shutdown(1);
  },
});
cleanups.push(() => supervisor.stop());
const server = supervisor.current();

if (!(await waitUntilAnswering(`${appBaseUrl}/api/health`, server))) {
  console.error(`\n✖ The portal did not answer on ${appBaseUrl}/api/health; see the output above.\n`);
  await shutdown(1);
}
console.log(`
Consent Portal is running at ${appBaseUrl}
${emulator ? `Auth0 emulator at ${emulator.issuer}\nDemo accounts (password "${DEMO_PASSWORD}"):\n${DEMO_USERS.map((user) => `  ${user.roles[0].padEnd(10)} ${user.email}`).join("\n")}\n` : ""}Press Ctrl-C to stop.`);
