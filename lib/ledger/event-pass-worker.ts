// A worker thread of `eventsInWorkers`: reads one range of subjects from the verifier's snapshot
// and posts each batch's results, then `{ done: events }`. At most two batches wait for the main
// thread at a time.
import { parentPort, workerData } from "node:worker_threads";
import { openSnapshotReader } from "@/lib/db/snapshot-reader";
import { readEventRange, type EventRange } from "./event-pass";

export interface EventWorkerData {
  snapshot: string;
  url: string;
  range: EventRange;
}

const { snapshot, url, range } = workerData as EventWorkerData;
const port = parentPort!;
let unacknowledged = 0;
let acknowledged: (() => void) | null = null;
port.on("message", () => {
  unacknowledged -= 1;
  acknowledged?.();
  acknowledged = null;
});

const reader = await openSnapshotReader(snapshot, url);
let events = 0;
try {
  await readEventRange(reader, range, async (result) => {
    if (unacknowledged >= 2) await new Promise<void>((resolve) => (acknowledged = resolve));
    unacknowledged += 1;
    events += result.events;
    port.postMessage(result);
  });
} finally {
  await reader.end();
}
port.postMessage({ done: events });
// The listener above would keep the thread alive.
port.close();
