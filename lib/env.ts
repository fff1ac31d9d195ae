import "server-only";
import { z } from "zod";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { parseWitnesses, parseWitnessQuorum } from "@/lib/witness/witness-config";
import { KEY_NAMES, LIST_KEY_NAMES, portalKeysSchema, type PortalKeys } from "@/lib/keys/portal-keys";

/** The emulator's default issuer; any other `AUTH0_DOMAIN` is a real tenant. */
const EMULATOR_DOMAIN = "http://localhost:4010";

const secret = (name: string) =>
  z
    .string({ error: `${name} is missing: run \`npm start\` (it generates one) or set it in .env` })
    .min(32, `${name} must be at least 32 characters (e.g. \`openssl rand -hex 32\`)`);

// Where the secret keys come from (ADR 026): a keys file, or one variable per key.
const keySourceShape = {
  /**
   * A JSON file holding the keys under the names below (`npm start` uses DATA_DIR/keys.json).
   * Unset: the keys are these variables themselves (lib/keys/portal-keys.ts), lists comma-separated.
   */
  KEYS_FILE: z.string().min(1).optional(),
  ...(Object.fromEntries(KEY_NAMES.map((name) => [name, z.string().optional()])) as Record<
    keyof PortalKeys,
    z.ZodOptional<z.ZodString>
  >),
};
type KeySourceFields = { KEYS_FILE?: string | undefined } & Partial<Record<keyof PortalKeys, string | undefined>>;

function checkKeySource(config: KeySourceFields, context: z.RefinementCtx): void {
  const inEnvironment = KEY_NAMES.filter((name) => config[name]);
  if (config.KEYS_FILE) {
    for (const name of inEnvironment) {
      context.addIssue({
        code: "custom",
        path: [name],
        message: `${name} is set and so is KEYS_FILE: keep the keys in one place (ADR 026)`,
      });
    }
    return;
  }
  const keys = portalKeysSchema.safeParse(keysInEnvironment(config));
  for (const issue of keys.success ? [] : keys.error.issues) {
    context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
}

const keySourceSchema = z.object(keySourceShape).superRefine(checkKeySource);
export type KeySource = z.infer<typeof keySourceSchema>;

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Public URL of the portal; session cookies and Auth0 callbacks use it. */
    APP_BASE_URL: z.url("APP_BASE_URL must be a URL such as http://localhost:3000"),
    /** PostgreSQL connection string. `npm start` sets it to the embedded server when unset. */
    DATABASE_URL: z
      .string({ error: "DATABASE_URL is missing: run `npm start`, or set it to a PostgreSQL URL" })
      .startsWith("postgres", "DATABASE_URL must start with postgres:// or postgresql://"),
    /**
     * Optional PostgreSQL streaming replica (ADR 039). When set, staff search, ledger exports and
     * the change feed read from it; everything else, and every write, uses DATABASE_URL.
     */
    DATABASE_REPLICA_URL: z
      .string()
      .startsWith("postgres", "DATABASE_REPLICA_URL must start with postgres:// or postgresql://")
      .optional(),
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
    /**
     * The identifier of the portal's own API in Auth0 (an Auth0 "API"): the audience API clients ask
     * tokens for and the portal requires in them (ADR 033).
     */
    API_AUDIENCE: z.url().default("https://consent-portal.example/api/v1"),
    /** Proxies whose X-Forwarded-For is believed (ADR 027): comma-separated CIDR ranges; none by default. */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((list, context) => {
        try {
          return parseTrustedProxies(list);
        } catch (error) {
          context.addIssue({ code: "custom", message: `TRUSTED_PROXIES: ${(error as Error).message}` });
          return z.NEVER;
        }
      }),
    /**
     * The transparency log's name, the first line of its checkpoints (ADR 028), e.g.
     * `consent.example.com/log`. Default: APP_BASE_URL's host followed by `/consent-log`.
     */
    LOG_ORIGIN: z
      .string()
      .regex(/^[^\s+]+$/, "LOG_ORIGIN must be one word without spaces or '+', e.g. consent.example.com/log")
      .optional(),
    /** Witnesses asked to cosign each checkpoint: `<url>#<witness verifier key>`, comma-separated. */
    WITNESSES: z
      .string()
      .default("")
      .transform((value, context) => {
        try {
          return parseWitnesses(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: `WITNESSES: ${(error as Error).message}` });
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
    /** Staff sessions end after this many minutes without a request (ADR 035). */
    STAFF_SESSION_IDLE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    /** Staff sessions end this many hours after sign-in, however active (ADR 035). */
    STAFF_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(72).default(12),
    /**
     * Multiplies every rate limit's allowance (ADR 035); 1 in production. The e2e stack raises it:
     * its whole suite signs up and signs in from one address.
     */
    RATE_LIMIT_SCALE: z.coerce.number().min(1).max(10_000).default(1),
    /**
     * How often Auth0 is compared with the ledger for everyone and drift repaired (ADR 041), in
     * minutes; 0 turns the scheduled run off (admins can still start one from the dashboard).
     */
    AUTH0_RECONCILE_INTERVAL_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
    /** Exports with more rows than this run as background jobs instead of downloading at once. */
    EXPORT_DIRECT_MAX_ROWS: z.coerce.number().int().min(0).default(50_000),
    /**
     * Lets webhook endpoints resolve to private, loopback or link-local addresses (local
     * development and tests). Off by default: an admin's URL must not reach the portal's own network.
     */
    WEBHOOK_ALLOW_PRIVATE: z
      .enum(["true", "false"])
      .default("false")
      .transform((value) => value === "true"),
    /**
     * Days an API client's Idempotency-Key (and the answer stored with it) is kept (ADR 033); a
     * retry after that runs again. At least a day: clients retry within minutes or hours.
     */
    API_IDEMPOTENCY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
    /**
     * Days a finished webhook delivery (delivered or given up) stays in the delivery log, where it
     * can be read and replayed (ADR 034). Deliveries still being tried are never purged.
     */
    WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
    ...keySourceShape,
  })
  .superRefine((config, context) => {
    checkKeySource(config, context);
    try {
      parseWitnessQuorum(config.WITNESS_QUORUM, config.WITNESSES.length);
    } catch (error) {
      context.addIssue({ code: "custom", path: ["WITNESS_QUORUM"], message: (error as Error).message });
    }
  });

export type Env = z.infer<typeof envSchema>;

function parseWith<T>(schema: z.ZodType<T>, source: Record<string, string | undefined>): T {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Parses configuration; a bad value fails with one line per problem, naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  return parseWith(envSchema, source);
}

/** The keys as the environment spells them (lists comma-separated), before validation. */
function keysInEnvironment(config: KeySourceFields): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const name of KEY_NAMES) {
    const value = config[name] || undefined;
    keys[name] = (LIST_KEY_NAMES as readonly string[]).includes(name)
      ? value
          ?.split(",")
          .map((item) => item.trim())
          .filter(Boolean)
      : value;
  }
  return keys;
}

/** The keys configured in the environment (the environment key provider; KEYS_FILE unset). */
export function environmentKeys(config: KeySource): PortalKeys {
  return portalKeysSchema.parse(keysInEnvironment(config));
}

let cached: Env | undefined;

/** The configuration, parsed once (at boot, from instrumentation.ts). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

let cachedKeySource: KeySource | undefined;

/**
 * Only where the keys come from: what the key provider needs. The portal checks it with the rest
 * at boot (env()); the key commands (`npm run keys:*`) need nothing else.
 */
export function keySource(): KeySource {
  cachedKeySource ??= parseWith(keySourceSchema, process.env);
  return cachedKeySource;
}

/** Local http issuers (the emulator) need the SDK's insecure-requests switch. */
export function isLocalIssuer(domain: string): boolean {
  return domain.startsWith("http://localhost");
}
