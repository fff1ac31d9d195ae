import "server-only";
import pg from "pg";
import { env } from "@/lib/env";

let pool: pg.Pool | undefined;

/**
 * Connections for streaming exports. Prisma has no cursor API, so exports read through `pg`
 * with a server-side cursor (pg-query-stream). A separate small pool keeps long exports from
 * starving the portal's own queries.
 */
export function exportPool(): pg.Pool {
  pool ??= new pg.Pool({
    connectionString: env().DATABASE_URL,
    max: 8,
    idleTimeoutMillis: 30_000,
    application_name: "consent-portal-export",
  });
  return pool;
}

/** Closes the pool (tests and the benchmark). */
export async function closeExportPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end();
}
