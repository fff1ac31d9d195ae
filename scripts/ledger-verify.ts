// `npm run ledger:verify`: recomputes every subject's hash chain, the consent-state projection and
// the transparency log's tree from the rows, compares the tree with what the witnesses cosigned,
// and reports what does not match (ADR 028). Exit code 0 = every chain verifies, 1 = broken, 2 = could not run.
//   --json         print the full report as JSON
//   --workers N    read and hash the events in N worker threads (default: one per core, up to
//                  8, for a ledger of 100,000 events or more; 1 for none, on this thread; ADR 053)
// Uses DATABASE_URL; otherwise the embedded database (the running one of `npm start`, if any),
// as the portal's own role: verifying needs no more than the portal has.
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../lib/generated/prisma/client.js";
import { defaultEventWorkers, eventsInWorkers, WORKERS_FROM_EVENTS } from "../lib/ledger/verify-events-in-workers.js";
import { verifyLedger, type LedgerVerification } from "../lib/ledger/verify-ledger.js";
import { withPortalDatabase } from "./database.js";

const { values: flags } = parseArgs({
  options: { json: { type: "boolean", default: false }, workers: { type: "string" } },
});
const json = flags.json;
const workers = flags.workers === undefined ? defaultEventWorkers() : Number(flags.workers);
if (flags.workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
  console.error(`✖ --workers takes a whole number from 1 to 64, not "${flags.workers}"`);
  process.exit(2);
}

/** How many threads read the events (workers start only for a large ledger unless asked for). */
let threads = 1;

function print(report: LedgerVerification) {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const rate = report.durationMs > 0 ? Math.round((report.events / report.durationMs) * 1000) : report.events;
  console.log(
    `Verified ${report.events} events of ${report.subjects} subjects in ${report.durationMs} ms (${rate} events/s` +
      `${threads > 1 ? `, ${threads} worker threads` : ""}).`,
  );
  const { log } = report;
  console.log(
    `Log: ${log.size} entries, ${log.pending} waiting; ` +
      (log.witnessedSize === null ? "no witness checkpoint to compare with." : `witnesses hold ${log.witnessedSize}.`),
  );
  if (report.ok) {
    console.log("✔ Every chain verifies. Every row is in the log once, and the log matches its witnessed checkpoints.");
    return;
  }
  const first = report.firstBroken;
  if (first) {
    console.log(
      `✖ First broken link: subject ${first.subjectId}, seq ${first.seq} (${first.reason}): ${first.message}`,
    );
  }
  if (report.broken.length > 1) {
    console.log(`  ${report.broken.length} broken chains:`);
    for (const link of report.broken) console.log(`  - subject ${link.subjectId}, seq ${link.seq}: ${link.reason}`);
  }
  for (const mismatch of report.projectionMismatches) {
    console.log(`✖ Consent state of subject ${mismatch.subjectId}: ${mismatch.message}`);
  }
  for (const problem of log.problems) console.log(`✖ Log (${problem.reason}): ${problem.message}`);
}

async function run(url: string): Promise<LedgerVerification> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  try {
    return await verifyLedger({
      client,
      databaseUrl: url,
      record: true,
      // Asked for, workers always; by default, only for a ledger large enough to pay for them.
      ...(workers > 1
        ? {
            readEvents: eventsInWorkers(workers, {
              ...(flags.workers === undefined ? { minEvents: WORKERS_FROM_EVENTS } : {}),
              onThreads: (count) => (threads = count),
            }),
          }
        : {}),
    });
  } finally {
    await client.$disconnect();
  }
}

try {
  let report: LedgerVerification | undefined;
  await withPortalDatabase(async (url) => {
    report = await run(url);
  });
  print(report!);
  process.exit(report!.ok ? 0 : 1);
} catch (error) {
  console.error(`✖ Ledger verification could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
