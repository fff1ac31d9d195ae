import "server-only";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { AppError } from "@/lib/errors";

/**
 * The portal's rate limits (ADR 035), shared by every instance through PostgreSQL (the
 * `RateLimit` table, created by a migration: the portal's role may create nothing). Each allows
 * `points` requests per `seconds` per key; RATE_LIMIT_SCALE multiplies the points.
 */
export const RATE_LIMITS = {
  /** Sign-ups from one address: enough for a household or an office behind one NAT. */
  signUpPerIp: { points: 10, seconds: 3600, message: "Too many sign-ups from your network." },
  /** Sign-ups for one email address (the address is keyed by its blind index, never stored). */
  signUpPerEmail: { points: 3, seconds: 3600, message: "Too many sign-up attempts for this email address." },
  /** Sign-ins started at the portal from one address (Auth0 limits the password attempts). */
  signInPerIp: { points: 60, seconds: 600, message: "Too many sign-in attempts from your network." },
  /** Exports (admin, compliance, a person's own data) per person. */
  exportsPerUser: { points: 30, seconds: 3600, message: "Too many exports in the last hour." },
  /** Staff API tokens created per person (at most 10 are live at once anyway). */
  tokenCreationPerUser: { points: 10, seconds: 3600, message: "Too many tokens created in the last hour." },
  /** Verification emails a person asks to be sent again (ADR 040): each one is an email to their inbox. */
  verificationEmailPerUser: { points: 5, seconds: 3600, message: "Too many verification emails in the last hour." },
  /** Verification landings without a session, per address: each asks Auth0 about an email address. */
  verificationCheckPerIp: { points: 30, seconds: 600, message: "Too many verification checks from your network." },
  /** Management API proxy calls per staff member or token: Auth0's own limit is a few per second per tenant. */
  proxyPerCaller: { points: 120, seconds: 60, message: "Too many Management API requests." },
} as const;

export type RateLimitName = keyof typeof RATE_LIMITS;

let pool: pg.Pool | undefined;
const limiters = new Map<RateLimitName, RateLimiterPostgres>();

function limiter(name: RateLimitName): RateLimiterPostgres {
  let found = limiters.get(name);
  if (found) return found;
  // A small pool of its own: rate-limiter-flexible speaks node-postgres, not Prisma.
  if (!pool) {
    pool = new pg.Pool({ connectionString: env().DATABASE_URL, max: 3 });
    // An idle connection that dies (a database restart or failover) must not take the server down.
    pool.on("error", (error) => logger.warn({ err: error }, "idle rate-limit connection failed"));
  }
  const limit = RATE_LIMITS[name];
  found = new RateLimiterPostgres({
    storeClient: pool,
    storeType: "pool",
    tableName: "RateLimit",
    tableCreated: true,
    keyPrefix: name,
    points: Math.round(limit.points * env().RATE_LIMIT_SCALE),
    duration: limit.seconds,
  });
  limiters.set(name, found);
  return found;
}

/** Seconds until the limit lets `key` through again, as Retry-After says it. */
function retryAfterSeconds(refusal: RateLimiterRes): number {
  return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
}

/** The refusal: a 429 with Retry-After from routes, the message in a form from server actions. */
function rateLimited(name: RateLimitName, refusal: RateLimiterRes): AppError {
  const seconds = retryAfterSeconds(refusal);
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new AppError("rate_limited", `${RATE_LIMITS[name].message} Try again in ${wait}.`, {
    errorCode: "too_many_requests",
    headers: { "retry-after": String(seconds) },
  });
}

/**
 * Counts one request for `key` against the limit; throws `rate_limited` (429, Retry-After) once
 * the key has used its allowance. A key of null (an address nobody can vouch for) is not counted:
 * one shared bucket for every unknown address would let anyone lock everyone out.
 */
export async function consumeRateLimit(name: RateLimitName, key: string | null): Promise<void> {
  if (key === null) return;
  try {
    await limiter(name).consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(name, error);
    throw error;
  }
}
