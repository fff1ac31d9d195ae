// `npm run outbox:worker`: delivers the consent outbox to Auth0 until SIGINT/SIGTERM. For
// deployments that run the worker as its own process; needs the portal's full configuration
// (lib/env.ts). `npm start` runs the same loop in-process instead.
import { parseEnv } from "../lib/env.js";
import { runOutboxWorker } from "../lib/outbox/run-outbox-worker.js";

try {
  parseEnv(process.env);
} catch (error) {
  console.error(`\n✖ ${(error as Error).message}\n`);
  process.exit(1);
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());
console.log("Outbox worker running; Ctrl-C to stop.");
await runOutboxWorker({
  signal: controller.signal,
  onBatch: (report) => {
    if (report.claimed > 0)
      console.log(`[outbox] delivered ${report.delivered}, skipped ${report.skipped}, failed ${report.failed}`);
  },
});
console.log("Outbox worker stopped.");
process.exit(0);
