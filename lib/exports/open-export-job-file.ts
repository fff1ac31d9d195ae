import "server-only";
import { pipeline, Transform, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import QueryStream from "pg-query-stream";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { CONTENT_TYPES } from "./export-format";
import { connectForExport } from "./export-pool";
import { exportFilename } from "./open-ledger-export";
import type { Actor } from "@/lib/auth/actor";

export interface ExportFile {
  stream: Readable;
  contentType: string;
  filename: string;
}

/**
 * The file of a completed ledger export job, read back chunk by chunk (a couple of 256 KiB chunks in
 * memory at most) and gunzipped on the way out, or as the stored `.gz` when `compressed`.
 * Each download is written to the access log.
 */
export async function openExportJobFile(
  input: { jobId: string; compressed?: boolean },
  actor: Actor,
): Promise<ExportFile> {
  const job = z.uuid().safeParse(input.jobId).success
    ? await db().exportJob.findUnique({ where: { id: input.jobId } })
    : null;
  if (!job || job.dataset === "auth0_users" || job.expiresAt < new Date()) {
    throw new AppError("not_found", "No such export.");
  }
  if (job.status !== "completed") throw new AppError("conflict", "This export is not finished yet.");
  await appendAccessLog(
    {
      action: "report.export",
      detail: { dataset: job.dataset, format: job.format, mode: "job-download", jobId: job.id, rows: job.rowsWritten },
    },
    actor,
  );
  const output: { stream?: Readable } = {};
  const { client, release } = await connectForExport((error) => output.stream?.destroy(error));
  const chunks = client.query(
    new QueryStream(`SELECT data FROM "ExportJobChunk" WHERE job_id = $1::uuid ORDER BY seq`, [job.id], {
      batchSize: 1,
      highWaterMark: 1,
    }),
  );
  const toBytes = new Transform({
    readableObjectMode: false,
    writableObjectMode: true,
    transform(row: { data: Buffer }, _encoding, callback) {
      callback(null, row.data);
    },
  });
  const filename = exportFilename(job.dataset, job.format, job.createdAt);
  const stream = input.compressed
    ? pipeline(chunks, toBytes, (error) => release(error))
    : pipeline(chunks, toBytes, createGunzip(), (error) => release(error));
  output.stream = stream;
  return {
    stream,
    contentType: input.compressed ? "application/gzip" : CONTENT_TYPES[job.format],
    filename: input.compressed ? `${filename}.gz` : filename,
  };
}
