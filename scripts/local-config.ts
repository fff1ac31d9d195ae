// Settings of the local launcher (`npm start`, `npm run dev`, `npm run emulator`, e2e).
// The portal itself reads its configuration only through lib/env.ts.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

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
  /** With AUTH0_DOMAIN set, the portal uses that tenant and no emulator is started. */
  useEmulator: !process.env.AUTH0_DOMAIN,
  /** With DATABASE_URL set, the portal uses that server and no embedded PostgreSQL is started. */
  useEmbeddedPostgres: !process.env.DATABASE_URL,
  portalClientId: "consent-portal",
  managementClientId: "consent-portal-mgmt",
  rolesClaim: process.env.AUTH0_ROLES_CLAIM ?? "https://consent-portal.example/roles",
};

export interface LocalSecrets {
  AUTH0_SECRET: string;
  AUTH0_CLIENT_SECRET: string;
  AUTH0_MGMT_CLIENT_SECRET: string;
  /** Consent ledger keys (ADR 004): 32 bytes each, hex. */
  LEDGER_MASTER_KEY: string;
  BLIND_INDEX_KEY: string;
  RECEIPT_SIGNING_KEY: string;
  /** The embedded PostgreSQL's roles (ADR 024): the superuser only creates the other two. */
  POSTGRES_SUPERUSER_PASSWORD: string;
  POSTGRES_OWNER_PASSWORD: string;
  POSTGRES_APP_PASSWORD: string;
}

const generators: { [K in keyof LocalSecrets]: () => string } = {
  AUTH0_SECRET: () => randomBytes(32).toString("hex"),
  AUTH0_CLIENT_SECRET: () => randomBytes(32).toString("base64url"),
  AUTH0_MGMT_CLIENT_SECRET: () => randomBytes(32).toString("base64url"),
  LEDGER_MASTER_KEY: () => randomBytes(32).toString("hex"),
  BLIND_INDEX_KEY: () => randomBytes(32).toString("hex"),
  RECEIPT_SIGNING_KEY: () => randomBytes(32).toString("hex"),
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
