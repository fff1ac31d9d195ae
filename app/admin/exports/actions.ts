"use server";

import { revalidatePath } from "next/cache";
import { after } from "next/server";
import { runLedgerExportJob } from "@/lib/exports/run-ledger-export-job";
import { exportRequestSchema } from "@/lib/exports/schemas";
import { startLedgerExportJob } from "@/lib/exports/start-ledger-export-job";
import { defineAction } from "@/lib/http/define-action";
import { logger } from "@/lib/logger";

export const startExportJobAction = defineAction(
  { role: "admin", schema: exportRequestSchema },
  async (input, actor) => {
    const job = await startLedgerExportJob(input, actor);
    // Runs after the response; if this process dies, the export maintenance takes it over.
    after(() =>
      runLedgerExportJob(job.id).catch((error: unknown) => logger.error({ err: error, jobId: job.id }, "export job")),
    );
    revalidatePath("/admin/exports");
    return "The export is running in the background. Its progress is shown below; download it when it is ready.";
  },
);
