"use server";

import { after } from "next/server";
import { startLedgerVerification } from "@/lib/compliance/ledger-verification-job";
import { defineAction } from "@/lib/http/define-action";
import { buttonFormSchema } from "@/lib/http/form-fields";

/** Starts verifying the whole ledger; the work runs after the response, the page polls its progress. */
export const startVerificationAction = defineAction(
  { role: "compliance", schema: buttonFormSchema },
  async (_input, actor) => {
    const { started } = await startLedgerVerification(actor, (work) => after(work));
    return started ? "Verification started." : "A verification is already running: showing its progress.";
  },
);
