import "server-only";
import { systemActor } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { reconcileAuth0Mirror } from "./reconcile-auth0-mirror";

/** How often each instance asks whether a run is due; the claim decides (one run per interval). */
const TICK_MS = 60_000;
let started = false;

/**
 * Once per server process, like the export maintenance: every minute, start the Auth0
 * reconciliation if the last one (by any instance) began at least AUTH0_RECONCILE_INTERVAL_MINUTES
 * ago. A restart therefore keeps the schedule instead of running at every boot.
 */
export function startAuth0Reconciliation(): void {
  const minutes = env().AUTH0_RECONCILE_INTERVAL_MINUTES;
  if (started || minutes === 0) return;
  started = true;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const run = await reconcileAuth0Mirror(systemActor("auth0-reconciliation"), { intervalMs: minutes * 60_000 });
      if (run) logger.info({ reconciliation: run.counts, status: run.status }, "Auth0 reconciliation");
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "Auth0 reconciliation failed");
    } finally {
      running = false;
    }
  };
  setInterval(() => void tick(), Math.min(TICK_MS, minutes * 60_000)).unref();
}
