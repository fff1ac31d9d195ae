import { env } from "@/lib/env";

// Parse configuration at boot so a bad deploy fails before serving a request, then start the
// outbox worker that syncs consent to Auth0, the export maintenance, the retention purge (API
// idempotency keys, webhook deliveries), the transparency log's sequencer and the Auth0
// reconciliation (leases, claims and advisory locks make several instances safe).
export async function register() {
  env();
  // Must be the literal NEXT_RUNTIME check: Next.js inlines it, so the edge build drops the import.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A missing or malformed keys file fails here too, not at the first sign-up (ADR 026).
  const { keyProvider } = await import("@/lib/keys/key-provider");
  keyProvider().read();
  const { startOutboxWorker } = await import("@/lib/outbox/start-outbox-worker");
  startOutboxWorker();
  const { startExportMaintenance } = await import("@/lib/exports/start-export-maintenance");
  startExportMaintenance();
  const { startRetentionPurge } = await import("@/lib/retention/start-retention-purge");
  startRetentionPurge();
  const { startLogSequencer } = await import("@/lib/transparency/start-log-sequencer");
  startLogSequencer();
  const { startAuth0Reconciliation } = await import("@/lib/admin/start-auth0-reconciliation");
  startAuth0Reconciliation();
}
