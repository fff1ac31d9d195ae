import "server-only";
import pg from "pg";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

let pool: pg.Pool | undefined;

/**
 * Connections for streaming exports. Prisma has no cursor API, so exports read through `pg`
 * with a server-side cursor (pg-query-stream). A separate small pool keeps long exports from
 * starving the portal's own queries.
 */
export function exportPool(): pg.Pool {
  if (!pool) {
    pool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: 8,
      idleTimeoutMillis: 30_000,
      application_name: "consent-portal-export",
    });
    // An idle connection that dies (database restart) must not take the server down with it.
    pool.on("error", (error) => logger.warn({ err: error }, "idle export connection failed"));
  }
  return pool;
}

export interface ExportConnection {
  client: pg.PoolClient;
  /** Returns the connection; with an error (or after the socket failed) it is discarded instead. */
  release: (error?: Error | null) => void;
}

/**
 * A connection for one export. While checked out, pg emits socket errors on the client itself,
 * and an unheard `error` event would crash the process: it is heard here, logged, passed to
 * `onFailure` (a cursor stream on a dead connection never finishes by itself — pg-cursor's close
 * waits for a reply that cannot come — so the caller destroys its output), and the connection is
 * discarded at release. Releasing twice is harmless.
 */
export async function connectForExport(onFailure?: (error: Error) => void): Promise<ExportConnection> {
  const client = await exportPool().connect();
  let socketError: Error | undefined;
  let released = false;
  const release = (error?: Error | null) => {
    if (released) return;
    released = true;
    client.off("error", onError);
    client.release(error ?? socketError);
  };
  function onError(error: Error) {
    if (socketError) return;
    socketError = error;
    logger.warn({ err: error }, "export connection failed");
    onFailure?.(error);
    release(error);
  }
  client.on("error", onError);
  return { client, release };
}

/** Closes the pool (tests and the benchmark). */
export async function closeExportPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.end();
}
