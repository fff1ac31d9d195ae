import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { db } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import type { ExportJob } from "@/lib/generated/prisma/client";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import { exportFilters, exportRequestSchema, type ExportRequestInput } from "./schemas";

/** How long a finished export's file is kept. */
const EXPORT_JOB_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Records a background export and writes it to the access log, in one transaction. The caller
 * then runs it (`runLedgerExportJob`), typically after the response is sent.
 */
export async function startLedgerExportJob(input: ExportRequestInput, actor: Actor, tx?: Tx): Promise<ExportJob> {
  const request = parseInput(exportRequestSchema, input);
  await consumeRateLimit("exportsPerUser", actor.id);
  const filters = exportFilters(request);
  return inTransaction(tx, async (tx) => {
    const job = await tx.exportJob.create({
      data: {
        dataset: request.dataset,
        format: request.format,
        filters,
        createdBy: actor.id,
        expiresAt: new Date(Date.now() + EXPORT_JOB_RETENTION_MS),
      },
    });
    await appendAccessLog(
      {
        action: "report.export",
        detail: { dataset: request.dataset, format: request.format, filters, mode: "job", jobId: job.id },
      },
      actor,
      tx,
    );
    return job;
  });
}

/** Deletes export jobs (and their files) past their retention; run on a schedule (export-maintenance). */
export async function purgeExpiredExportJobs(): Promise<number> {
  const { count } = await db().exportJob.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
