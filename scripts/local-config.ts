// Settings of the local launcher (`npm start`, `npm run dev`, `npm run emulator`, e2e).
// The portal itself reads its configuration only through lib/env.ts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { KEY_NAMES } from "../lib/keys/portal-keys.js";

// Tests set LOCAL_STACK_IGNORE_DOTENV so a developer's .env cannot point them at a real server.
if (existsSync(".env") && !process.env.LOCAL_STACK_IGNORE_DOTENV) process.loadEnvFile(".env");

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(`${name}=${raw} is not a port number: set ${name} to a number between 1 and 65535.`);
  }
  return value;
}

export function fail(line: string): never {
  console.error(`\n✖ ${line}\n`);
  process.exit(1);
}

export const local = {
  dataDir: resolve(process.env.DATA_DIR ?? ".data"),
  port: port("PORT", 3000),
  emulatorPort: port("EMULATOR_PORT", 4010),
  postgresPort: port("EMBEDDED_POSTGRES_PORT", 5433),
  /** The local witness of `npm start` (ADR 028); not started when WITNESSES is set. */
  witnessPort: port("WITNESS_PORT", 4020),
  useLocalWitness: !process.env.WITNESSES,
  /** With AUTH0_DOMAIN set, the portal uses that tenant and no emulator is started. */
  useEmulator: !process.env.AUTH0_DOMAIN,
  /** With DATABASE_URL set, the portal uses that server and no embedded PostgreSQL is started. */
  useEmbeddedPostgres: !process.env.DATABASE_URL,
  portalClientId: "consent-portal",
  managementClientId: "consent-portal-mgmt",
  rolesClaim: process.env.AUTH0_ROLES_CLAIM ?? "https://consent-portal.example/roles",
  /** The portal's API in the emulator (lib/env.ts API_AUDIENCE, same default). */
  apiAudience: process.env.API_AUDIENCE ?? "https://consent-portal.example/api/v1",
};

export interface LocalSecrets {
  AUTH0_SECRET: string;
  AUTH0_CLIENT_SECRET: string;
  AUTH0_MGMT_CLIENT_SECRET: string;
  /** The embedded PostgreSQL's roles (ADR 024): the superuser only creates the other two. */
  POSTGRES_SUPERUSER_PASSWORD: string;
  POSTGRES_OWNER_PASSWORD: string;
  POSTGRES_APP_PASSWORD: string;
}

const generators: { [K in keyof LocalSecrets]: () => string } = {
  AUTH0_SECRET: () => randomBytes(32).toString("hex"),
  AUTH0_CLIENT_SECRET: () => randomBytes(32).toString("base64url"),
  AUTH0_MGMT_CLIENT_SECRET: () => randomBytes(32).toString("base64url"),
  POSTGRES_SUPERUSER_PASSWORD: () => randomBytes(24).toString("base64url"),
  POSTGRES_OWNER_PASSWORD: () => randomBytes(24).toString("base64url"),
  POSTGRES_APP_PASSWORD: () => randomBytes(24).toString("base64url"),
};

/**
 * Secrets for the local stack, generated once into the data directory. A secret added in a
 * later version is generated into an existing file; existing ones are never replaced (the
 * ledger keys decrypt the data already stored).
 */
export function localSecrets(): LocalSecrets {
  const file = join(local.dataDir, "secrets.json");
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const missing = (Object.keys(generators) as Array<keyof LocalSecrets>).filter((name) => !stored[name]);
  if (missing.length === 0) return stored as LocalSecrets;
  const secrets = { ...stored } as LocalSecrets;
  for (const name of missing) secrets[name] = generators[name]();
  mkdirSync(local.dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

// The ledger and signing keys, which secrets.json held before they could rotate (ADR 026).
const LEGACY_KEYS = ["LEDGER_MASTER_KEY", "BLIND_INDEX_KEY", "RECEIPT_SIGNING_KEY"] as const;

/**
 * The keys file of the local stack and of `npm run keys:*` (ADR 026): KEYS_FILE, or
 * DATA_DIR/keys.json, generated once (taking over the keys an older secrets.json holds, so data
 * stored before stays readable). Undefined when the keys are set in the environment instead.
 */
export function localKeysFile(): string | undefined {
  if (KEY_NAMES.some((name) => process.env[name])) return undefined;
  if (process.env.KEYS_FILE) return resolve(process.env.KEYS_FILE);
  const file = join(local.dataDir, "keys.json");
  const secretsFile = join(local.dataDir, "secrets.json");
  const secrets = existsSync(secretsFile)
    ? (JSON.parse(readFileSync(secretsFile, "utf8")) as Record<string, string>)
    : {};
  if (!existsSync(file)) {
    const generate = () => randomBytes(32).toString("hex");
    const keys = {
      RECEIPT_SIGNING_KEY: secrets.RECEIPT_SIGNING_KEY ?? generate(),
      RECEIPT_RETIRED_PUBLIC_KEYS: [],
      LEDGER_MASTER_KEY: secrets.LEDGER_MASTER_KEY ?? generate(),
      LEDGER_PREVIOUS_MASTER_KEYS: [],
      BLIND_INDEX_KEY: secrets.BLIND_INDEX_KEY ?? generate(),
      LOG_SIGNING_KEY: generate(),
    };
    mkdirSync(local.dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  // One copy of each key: a stale one left in secrets.json could be restored by mistake.
  if (LEGACY_KEYS.some((name) => name in secrets)) {
    for (const name of LEGACY_KEYS) delete secrets[name];
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return file;
}
