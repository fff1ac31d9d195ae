import "server-only";
import { logger } from "@/lib/logger";
import { integrateQueuedLeaves } from "./integrate-queued-leaves";
import { requestCosignatures } from "./request-cosignatures";

const INTEGRATE_EVERY_MS = 250;
const COSIGN_EVERY_MS = 1_000;
let started = false;

/**
 * Once per server process: integrate queued leaves at least every quarter second (a full batch
 * goes again at once), and ask the witnesses to cosign at most once a second. The advisory lock
 * in integrateQueuedLeaves keeps one sequencer at a time across instances.
 */
export function startLogSequencer(): void {
  if (started) return;
  started = true;
  let lastCosigning = 0;
  const tick = async () => {
    try {
      let batch = await integrateQueuedLeaves();
      while (batch && batch.integrated >= 10_000) batch = await integrateQueuedLeaves();
      if (Date.now() - lastCosigning >= COSIGN_EVERY_MS) {
        lastCosigning = Date.now();
        await requestCosignatures();
      }
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "log sequencer failed");
    } finally {
      setTimeout(() => void tick(), INTEGRATE_EVERY_MS).unref();
    }
  };
  void tick();
}
