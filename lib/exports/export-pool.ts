import "server-only";
import pg from "pg";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

let pool: pg.Pool | undefined;
let readPool: pg.Pool | undefined;

function createPool(connectionString: string, applicationName: string): pg.Pool {
  const created = new pg.Pool({
    connectionString,
    max: 8,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
  });
  // An idle connection that dies (database restart) must not take the server down with it.
  created.on("error", (error) => logger.warn({ err: error }, "idle export connection failed"));
  return created;
}

/**
 * Connections for exports on the primary: export jobs store their files through it. Prisma has
 * no cursor API, so exports read through `pg` with a server-side cursor (pg-query-stream). A
 * separate small pool keeps long exports from starving the portal's own queries.
 */
function exportPool(): pg.Pool {
  pool ??= createPool(env().DATABASE_URL, "consent-portal-export");
  return pool;
}

/**
 * Connections that read an export's rows: the read replica when DATABASE_REPLICA_URL is set
 * (ADR 039), otherwise the primary's export pool.
 */
export function exportReadPool(): pg.Pool {
  const replicaUrl = env().DATABASE_REPLICA_URL;
  if (!replicaUrl) return exportPool();
  readPool ??= createPool(replicaUrl, "consent-portal-export-replica");
  return readPool;
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
export async function connectForExport(
  onFailure?: (error: Error) => void,
  options: { from?: "primary" | "replica" } = {},
): Promise<ExportConnection> {
  const client = await (options.from === "replica" ? exportReadPool() : exportPool()).connect();
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

/** Closes the pools (tests and the benchmark). */
export async function closeExportPool(): Promise<void> {
  const current = [pool, readPool];
  pool = undefined;
  readPool = undefined;
  for (const each of current) await each?.end();
}
