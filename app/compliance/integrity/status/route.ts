import { NextResponse } from "next/server";
import { readLedgerVerificationJob } from "@/lib/compliance/ledger-verification-job";
import { defineRoute } from "@/lib/http/define-route";

/** The running (or last) verification job, polled by the integrity page's progress bar. */
export const GET = defineRoute({ role: "compliance" }, async () => {
  const job = await readLedgerVerificationJob();
  return NextResponse.json({ job }, { headers: { "cache-control": "no-store" } });
});
