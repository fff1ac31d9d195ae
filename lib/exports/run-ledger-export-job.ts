import "server-only";
import { Writable } from "node:stream";
import type pg from "pg";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { db } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { ExportJob } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { connectForExport } from "./export-pool";
import { openLedgerExport } from "./open-ledger-export";
import { exportRequestSchema } from "./schemas";

/** A running job renews its lease this often; a job whose lease ran out has died. */
const HEARTBEAT_MS = 1_000;
const LEASE_MS = 30_000;
/** A job nobody started within this time is taken over. */
const START_GRACE_MS = 15_000;
/** Size of each stored piece of the gzipped file (a few of them are in memory at once). */
const CHUNK_BYTES = 256 * 1024;

/**
 * Takes the job if it is pending, or running under a lease that ran out (its process died).
 * One UPDATE decides, so two processes never run the same job.
 */
async function claim(jobId: string): Promise<ExportJob | null> {
  const claimed = await db().exportJob.updateManyAndReturn({
    where: {
      id: jobId,
      dataset: { in: ["consent_state", "consent_events"] },
      OR: [{ status: "pending" }, { status: "running", lockedUntil: { lt: new Date() } }],
    },
    data: {
      status: "running",
      startedAt: new Date(),
      lockedUntil: new Date(Date.now() + LEASE_MS),
      rowsWritten: 0,
      error: null,
    },
  });
  return claimed[0] ?? null;
}

/**
 * Collects the gzipped bytes into CHUNK_BYTES pieces and inserts each on its own connection
 * (plain `pg`: Prisma would copy every piece a few more times); the insert is the backpressure.
 */
class ChunkWriter extends Writable {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private seq = 0;

  constructor(
    private readonly jobId: string,
    private readonly client: pg.PoolClient,
  ) {
    super();
  }

  private async store(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.seq += 1;
    await this.client.query(`INSERT INTO "ExportJobChunk" (job_id, seq, data) VALUES ($1::uuid, $2, $3)`, [
      this.jobId,
      this.seq,
      data,
    ]);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < CHUNK_BYTES) return callback();
    this.store().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.store().then(() => callback(), callback);
  }
}

/**
 * Runs a background ledger export: streams it from PostgreSQL through gzip into ExportJobChunk
 * rows (memory stays flat), reporting progress (`rowsWritten` of `totalRows`) and renewing its
 * lease every second. A job already taken by a live process is left alone. On failure the
 * partial file is removed and the job says it failed (details go to the server log only).
 */
export async function runLedgerExportJob(jobId: string): Promise<ExportJob | null> {
  const job = await claim(jobId);
  if (!job) return null;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    await db().exportJobChunk.deleteMany({ where: { jobId } });
    const request = parseInput(exportRequestSchema, {
      dataset: job.dataset,
      format: job.format,
      ...(job.filters as Record<string, string>),
    });
    const exported = await openLedgerExport(request, { exportedAt: job.createdAt, count: true });
    await db().exportJob.update({ where: { id: jobId }, data: { totalRows: exported.total } });
    let beat: Promise<unknown> = Promise.resolve();
    heartbeat = setInterval(() => {
      beat = beat.then(() =>
        db()
          .exportJob.updateMany({
            where: { id: jobId, status: "running" },
            data: { rowsWritten: exported.rows(), lockedUntil: new Date(Date.now() + LEASE_MS) },
          })
          .catch((error: unknown) => logger.warn({ err: error, jobId }, "export job heartbeat failed")),
      );
    }, HEARTBEAT_MS);
    const writer = await connectForExport();
    try {
      await pipeline(exported.stream, createGzip(), new ChunkWriter(jobId, writer.client));
      writer.release();
    } catch (error) {
      writer.release(error as Error);
      throw error;
    }
    clearInterval(heartbeat);
    await beat;
    return await db().exportJob.update({
      where: { id: jobId },
      data: {
        status: "completed",
        rowsWritten: exported.rows(),
        totalRows: exported.rows(),
        finishedAt: new Date(),
        lockedUntil: null,
      },
    });
  } catch (error) {
    clearInterval(heartbeat);
    logger.error({ err: error, jobId }, "export job failed");
    await db().exportJobChunk.deleteMany({ where: { jobId } });
    return db().exportJob.update({
      where: { id: jobId },
      data: { status: "failed", error: "The export failed. Try again.", finishedAt: new Date(), lockedUntil: null },
    });
  }
}

/**
 * Ledger export jobs whose process died (lease ran out) or that never started: the caller runs
 * them again from the start. Called by the scheduled export maintenance (start-export-maintenance.ts).
 */
export async function findStalledExportJobs(): Promise<string[]> {
  const now = Date.now();
  const jobs = await db().exportJob.findMany({
    where: {
      dataset: { in: ["consent_state", "consent_events"] },
      OR: [
        { status: "pending", createdAt: { lt: new Date(now - START_GRACE_MS) } },
        { status: "running", lockedUntil: { lt: new Date(now) } },
      ],
    },
    select: { id: true },
    take: 5,
  });
  return jobs.map((job) => job.id);
}
