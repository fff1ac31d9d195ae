import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { auth0 as portalAuth0, type Auth0Gateway, type Auth0Job } from "@/lib/auth0/auth0-gateway";
import { auth0Failure } from "@/lib/auth0/auth0-error";
import { db } from "@/lib/db/client";
import { env, isLocalIssuer } from "@/lib/env";
import { AppError, parseInput } from "@/lib/errors";
import type { ExportJob, ExportJobStatus } from "@/lib/generated/prisma/client";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { CONTENT_TYPES } from "./export-format";
import type { ExportFile } from "./open-export-job-file";
import { readExportJob, type ExportJobView } from "./read-export-jobs";
import { auth0ExportRequestSchema, type Auth0ExportRequest } from "./schemas";
import { logger } from "@/lib/logger";
import type { Actor } from "@/lib/auth/actor";

/** Auth0 keeps export jobs for 24 hours. */
const AUTH0_JOB_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * What the seed's "Export consent information" needs from each Auth0 user: who they are, the
 * consent projection the portal keeps in `user_metadata.consent`, and the deletion flag.
 */
export const AUTH0_EXPORT_FIELDS = [
  { name: "user_id" },
  { name: "email" },
  { name: "name" },
  { name: "created_at" },
  { name: "updated_at" },
  { name: "user_metadata.consent", export_as: "consent" },
  { name: "app_metadata.deleted", export_as: "deleted" },
];

function mapStatus(status: string): ExportJobStatus {
  if (status === "completed") return "completed";
  if (status === "failed") return "failed";
  return status === "pending" ? "pending" : "running";
}

/**
 * Starts an Auth0 users-export job on the portal's database connection (found by name, as the
 * seed describes), records it, and writes it to the access log.
 */
export async function startAuth0UsersExport(
  input: Auth0ExportRequest,
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<ExportJob> {
  const request = parseInput(auth0ExportRequestSchema, input);
  await consumeRateLimit("exportsPerUser", actor.id);
  const connectionName = env().AUTH0_DB_CONNECTION;
  const connectionId = await auth0.findConnectionId(connectionName);
  if (!connectionId) throw new AppError("not_found", `Auth0 has no connection named "${connectionName}".`);
  // Recorded and logged first: a request to export every user is in the access log even when
  // Auth0 then fails, and no Auth0 job exists that the portal does not know of.
  const job = await db().$transaction(async (tx) => {
    const created = await tx.exportJob.create({
      data: {
        dataset: "auth0_users",
        format: request.format,
        filters: { connection: connectionName },
        status: "pending",
        startedAt: new Date(),
        createdBy: actor.id,
        expiresAt: new Date(Date.now() + AUTH0_JOB_RETENTION_MS),
      },
    });
    await appendAccessLog(
      {
        action: "report.export",
        detail: { dataset: "auth0_users", format: request.format, mode: "job", jobId: created.id },
      },
      actor,
      tx,
    );
    return created;
  });
  let auth0Job: Auth0Job;
  try {
    auth0Job = await auth0.startUsersExport({
      connectionId,
      // Auth0 calls its newline-delimited JSON export "json".
      format: request.format === "csv" ? "csv" : "json",
      fields: AUTH0_EXPORT_FIELDS,
    });
  } catch (error) {
    await db().exportJob.update({
      where: { id: job.id },
      data: { status: "failed", error: "Auth0 could not start the export.", finishedAt: new Date() },
    });
    throw error;
  }
  return db().exportJob.update({
    where: { id: job.id },
    data: { auth0JobId: auth0Job.id, status: mapStatus(auth0Job.status) },
  });
}

export interface Auth0ExportProgress {
  job: ExportJobView;
  /** Auth0's own estimate, when it gives one (the emulator does not). */
  percentageDone: number | null;
  timeLeftSeconds: number | null;
}

/** Asks Auth0 how the job is doing and records the answer. */
export async function refreshAuth0UsersExport(
  jobId: string,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<Auth0ExportProgress> {
  const job = await readExportJob(jobId);
  if (!job?.auth0JobId) throw new AppError("not_found", "No such export.");
  if (job.status === "completed" || job.status === "failed") {
    return { job, percentageDone: job.status === "completed" ? 100 : null, timeLeftSeconds: null };
  }
  const remote: Auth0Job = await auth0.getJob(job.auth0JobId);
  const status = mapStatus(remote.status);
  // Auth0 does not say how many users a job exported: the file is counted once, when it is ready.
  const rows = status === "completed" && remote.location ? await countExportRows(remote.location, job.format) : null;
  const updated =
    status === job.status
      ? job
      : {
          ...job,
          ...(await db().exportJob.update({
            where: { id: job.id },
            data: {
              status,
              ...(status === "completed" || status === "failed" ? { finishedAt: new Date() } : {}),
              ...(rows !== null ? { rowsWritten: rows, totalRows: rows } : {}),
              ...(status === "failed" ? { error: "Auth0 reported that the export failed." } : {}),
            },
          })),
          filters: job.filters,
        };
  return {
    job: updated,
    percentageDone: typeof remote.percentage_done === "number" ? remote.percentage_done : null,
    timeLeftSeconds: typeof remote.time_left_seconds === "number" ? remote.time_left_seconds : null,
  };
}

/**
 * The number of users in a finished export: NDJSON lines, or CSV records after the header (a
 * line break inside a quoted cell is part of its record). Null if the file cannot be read: the
 * job is finished all the same, only its count is unknown.
 */
async function countExportRows(location: string, format: ExportJob["format"]): Promise<number | null> {
  try {
    const response = await fetch(checkedLocation(location), { redirect: "error" });
    if (!response.ok || !response.body) throw new Error(`status ${response.status}`);
    const text = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>).pipe(createGunzip());
    let records = 0;
    let inQuotes = false;
    let lineHasContent = false;
    for await (const chunk of text as AsyncIterable<Buffer>) {
      for (const byte of chunk) {
        if (byte === 0x22 && format === "csv") inQuotes = !inQuotes; // "" inside a cell toggles twice
        if (byte === 0x0a && !inQuotes) {
          if (lineHasContent) records += 1;
          lineHasContent = false;
        } else if (byte !== 0x0d) lineHasContent = true;
      }
    }
    if (lineHasContent) records += 1;
    return format === "csv" ? Math.max(0, records - 1) : records;
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not count an Auth0 export");
    return null;
  }
}

/** The job's download URL must be https, or http on localhost while the portal runs against the emulator. */
function checkedLocation(location: string): URL {
  const url = new URL(location);
  const local = isLocalIssuer(env().AUTH0_DOMAIN) && isLocalIssuer(url.origin);
  if (url.protocol !== "https:" && !local) throw new Error("unexpected export location");
  return url;
}

/**
 * Downloads a completed Auth0 export through the portal: a fresh short-lived `location` is
 * asked for, the gzipped file is fetched server-side and streamed to the admin, gunzipped (CSV
 * or NDJSON with the right type) or as the `.gz` itself. Written to the access log.
 */
export async function openAuth0UsersExportFile(
  input: { jobId: string; compressed?: boolean },
  actor: Actor,
  auth0: Auth0Gateway = portalAuth0(),
): Promise<ExportFile> {
  const job = await readExportJob(input.jobId);
  if (!job?.auth0JobId) throw new AppError("not_found", "No such export.");
  const remote = await auth0.getJob(job.auth0JobId);
  if (remote.status !== "completed") throw new AppError("conflict", "This export is not finished yet.");
  const location = remote.location;
  if (!location) throw new AppError("conflict", "Auth0 has not published the file yet.");
  let response: Response;
  try {
    response = await fetch(checkedLocation(location), { redirect: "error" });
  } catch (error) {
    throw auth0Failure(error, "downloading a users export");
  }
  if (!response.ok || !response.body) {
    throw auth0Failure(new Error(`status ${response.status}`), "downloading a users export");
  }
  await appendAccessLog(
    {
      action: "report.export",
      detail: { dataset: "auth0_users", format: job.format, mode: "job-download", jobId: job.id },
    },
    actor,
  );
  const gzipped = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  const name = `auth0-users-${job.createdAt.toISOString().slice(0, 10)}.${job.format === "csv" ? "csv" : "ndjson"}`;
  if (input.compressed) return { stream: gzipped, contentType: "application/gzip", filename: `${name}.gz` };
  const gunzip = createGunzip();
  gzipped.on("error", (error) => gunzip.destroy(error));
  return { stream: gzipped.pipe(gunzip), contentType: CONTENT_TYPES[job.format], filename: name };
}
