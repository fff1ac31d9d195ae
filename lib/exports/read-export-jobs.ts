import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { ExportDataset, ExportJob } from "@/lib/generated/prisma/client";

export type ExportJobView = Omit<ExportJob, "filters"> & { filters: Record<string, string> };

function toView(job: ExportJob): ExportJobView {
  return { ...job, filters: (job.filters ?? {}) as Record<string, string> };
}

/** Recent export jobs of some datasets, newest first (expired ones are gone). */
export async function listExportJobs(datasets: ExportDataset[], limit = 20): Promise<ExportJobView[]> {
  const jobs = await db().exportJob.findMany({
    where: { dataset: { in: datasets }, expiresAt: { gt: new Date() } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return jobs.map(toView);
}

/** One export job, or null. */
export async function readExportJob(jobId: string): Promise<ExportJobView | null> {
  if (!z.uuid().safeParse(jobId).success) return null;
  const job = await db().exportJob.findUnique({ where: { id: jobId } });
  return job && job.expiresAt > new Date() ? toView(job) : null;
}
