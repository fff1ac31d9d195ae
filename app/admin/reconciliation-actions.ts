"use server";

import { after } from "next/server";
import { reconcileAuth0Mirror } from "@/lib/admin/reconcile-auth0-mirror";
import { defineAction } from "@/lib/http/define-action";
import { buttonFormSchema } from "@/lib/http/form-fields";

/** Compares Auth0 with the ledger now (ADR 041); the walk runs after the response, the dashboard shows it. */
export const reconcileNowAction = defineAction({ role: "admin", schema: buttonFormSchema }, async (_input, actor) => {
  const run = await reconcileAuth0Mirror(actor, { intervalMs: 0, force: true }, { schedule: (work) => after(work) });
  return run
    ? "Reconciliation started: reload the dashboard to see what it found."
    : "A reconciliation is already running: reload the dashboard to see what it found.";
});
