import "server-only";
import { z } from "zod";
import { NoteError, parseSignerKey, SIGNATURE_TYPE } from "@/lib/tlog/note";
import { parseWitnesses, parseWitnessQuorum } from "@/lib/witness/witness-config";

/** The emulator's default issuer; any other `AUTH0_DOMAIN` is a real tenant. */
const EMULATOR_DOMAIN = "http://localhost:4010";

/** A 32-byte key as 64 hex characters (`openssl rand -hex 32`); `npm start` generates one. */
const hexKey = (name: string) =>
  z
    .string({ error: `${name} is missing: run \`npm start\` (it generates one) or set it in .env` })
    .regex(/^[0-9a-fA-F]{64}$/, `${name} must be 32 bytes as 64 hex characters (\`openssl rand -hex 32\`)`);

const secret = (name: string) =>
  z
    .string({ error: `${name} is missing: run \`npm start\` (it generates one) or set it in .env` })
    .min(32, `${name} must be at least 32 characters (e.g. \`openssl rand -hex 32\`)`);

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Public URL of the portal; session cookies and Auth0 callbacks use it. */
    APP_BASE_URL: z.url("APP_BASE_URL must be a URL such as http://localhost:3000"),
    /** PostgreSQL connection string. `npm start` sets it to the embedded server when unset. */
    DATABASE_URL: z
      .string({ error: "DATABASE_URL is missing: run `npm start`, or set it to a PostgreSQL URL" })
      .startsWith("postgres", "DATABASE_URL must start with postgres:// or postgresql://"),
    /** `https://<tenant>.auth0.com` for a real tenant, or the emulator's http://localhost URL. */
    AUTH0_DOMAIN: z.string().default(EMULATOR_DOMAIN),
    AUTH0_CLIENT_ID: z.string({ error: "AUTH0_CLIENT_ID is missing: the portal's application client id" }).min(1),
    AUTH0_CLIENT_SECRET: z
      .string({ error: "AUTH0_CLIENT_SECRET is missing: the portal's application client secret" })
      .min(1),
    /** Encrypts the session cookie. */
    AUTH0_SECRET: secret("AUTH0_SECRET"),
    /** Namespaced ID-token claim carrying `app_metadata.roles` (an Auth0 Action adds it on a real tenant). */
    AUTH0_ROLES_CLAIM: z.url().default("https://consent-portal.example/roles"),
    /** The Auth0 database connection people sign up into (Authentication API signup). */
    AUTH0_DB_CONNECTION: z.string().min(1).default("Username-Password-Authentication"),
    /** Machine-to-machine client for the Management API (client credentials; server only). */
    AUTH0_MGMT_CLIENT_ID: z.string({ error: "AUTH0_MGMT_CLIENT_ID is missing: the Management API client id" }).min(1),
    AUTH0_MGMT_CLIENT_SECRET: z
      .string({ error: "AUTH0_MGMT_CLIENT_SECRET is missing: the Management API client secret" })
      .min(1),
    /** Wraps every subject's data key (crypto-shredding, ADR 004). Losing it loses all personal data. */
    LEDGER_MASTER_KEY: hexKey("LEDGER_MASTER_KEY"),
    /** Keys the email blind index and the user-agent hashes. Changing it breaks email search. */
    BLIND_INDEX_KEY: hexKey("BLIND_INDEX_KEY"),
    /** Ed25519 private key (the 32-byte seed, hex) that signs consent receipts. */
    RECEIPT_SIGNING_KEY: hexKey("RECEIPT_SIGNING_KEY"),
    /**
     * Signs the transparency log's checkpoints (ADR 028): a C2SP signed-note signer key
     * `PRIVATE+KEY+<origin>+<key id>+<base64>`; its name is the log's origin. Never stored in the database.
     */
    LOG_SIGNING_KEY: z
      .string({ error: "LOG_SIGNING_KEY is missing: run `npm start` (it generates one) or see the README" })
      .refine(isLogSignerKey, "LOG_SIGNING_KEY must be a PRIVATE+KEY+<origin>+<key id>+<key> Ed25519 note signer key"),
    /** Witnesses asked to cosign each checkpoint: `<url>#<witness verifier key>`, comma-separated. */
    WITNESSES: z
      .string()
      .default("")
      .transform((value, context) => {
        try {
          return parseWitnesses(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** How many witnesses must cosign a checkpoint before it is served; defaults to 1 when any is configured. */
    WITNESS_QUORUM: z.string().optional(),
    /** The data controller named in consent receipts. */
    CONTROLLER_NAME: z.string().min(1).default("Consent Portal demo controller"),
    CONTROLLER_EMAIL: z.email().default("privacy@consent-portal.example"),
    /** Jurisdiction stated in consent receipts (ISO 3166 code or region, e.g. EU). */
    CONTROLLER_JURISDICTION: z.string().min(2).default("EU"),
    /** Exports with more rows than this run as background jobs instead of downloading at once. */
    EXPORT_DIRECT_MAX_ROWS: z.coerce.number().int().min(0).default(50_000),
  })
  .superRefine((config, context) => {
    try {
      parseWitnessQuorum(config.WITNESS_QUORUM, config.WITNESSES.length);
    } catch (error) {
      context.addIssue({ code: "custom", path: ["WITNESS_QUORUM"], message: (error as Error).message });
    }
  });

function isLogSignerKey(value: string): boolean {
  try {
    return parseSignerKey(value).type === SIGNATURE_TYPE.ed25519;
  } catch (error) {
    if (error instanceof NoteError) return false;
    throw error;
  }
}

export type Env = z.infer<typeof envSchema>;

/** Parses configuration; a bad value fails with one line per problem, naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The configuration, parsed once (at boot, from instrumentation.ts). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Local http issuers (the emulator) need the SDK's insecure-requests switch. */
export function isLocalIssuer(domain: string): boolean {
  return domain.startsWith("http://localhost");
}
