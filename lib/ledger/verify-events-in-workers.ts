import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { FIRST_SUBJECT_ID, type EventBatchResult, type EventRange } from "./event-pass";
import type { EventWorkerData } from "./event-pass-worker";
import type { EventReader } from "./verify-ledger";

/**
 * `count` ranges of subject ids of equal width. Subject ids are random (UUID v4), so each range
 * holds about as many subjects; a subject's events all fall in one range.
 */
export function subjectRanges(count: number, batchSize: number): EventRange[] {
  const bounds = Array.from({ length: count - 1 }, (_, index) => {
    const prefix = Math.floor(((index + 1) * 0x1_0000_0000) / count);
    return `${prefix.toString(16).padStart(8, "0")}-0000-0000-0000-000000000000`;
  });
  return [FIRST_SUBJECT_ID, ...bounds].map((from, index) => ({ from, to: bounds[index] ?? null, batchSize }));
}

/**
 * Worker threads for `npm run ledger:verify`: one per core. Even on two cores, shared with
 * PostgreSQL, two workers beat one thread once the ledger is large enough to pay for their start
 * (ADR 053); on one core there are none.
 */
export function defaultEventWorkers(): number {
  return availableParallelism();
}

/**
 * Reads and hashes the events in `workers` worker threads, each over its own range of subjects
 * and its own connection to the same snapshot (ADR 053). The main thread matches their results
 * with the log and the other tables, one batch at a time, as it does its own.
 */
export function eventsInWorkers(workers: number): EventReader {
  return async ({ snapshot, url, batchSize }, onBatch) => {
    const threads = subjectRanges(Math.max(1, workers), batchSize).map((range) => {
      const workerData: EventWorkerData = { snapshot, url, range };
      return new Worker(new URL("./event-pass-worker.mjs", import.meta.url), {
        argv: [new URL("./event-pass-worker.ts", import.meta.url).href],
        workerData,
        // `server-only` resolves to nothing under this condition, as in the main thread.
        execArgv: ["--conditions=react-server"],
      });
    });
    // One batch at a time reaches `onBatch`, whichever worker sent it; nothing after a failure.
    let queue = Promise.resolve();
    let failed = false;
    try {
      await Promise.all(
        threads.map(
          (thread) =>
            new Promise<void>((resolve, reject) => {
              const fail = (error: unknown) => {
                failed = true;
                reject(error instanceof Error ? error : new Error(String(error)));
              };
              let received = 0;
              let finished = false;
              thread.on("message", (message: EventBatchResult | { done: number }) => {
                if ("done" in message) {
                  // Every batch it read was handed on: the worker's count and ours agree.
                  const claimed = message.done;
                  queue = queue.then(() => {
                    finished = true;
                    if (claimed === received) resolve();
                    else fail(new Error(`a verification worker read ${claimed} events, ${received} arrived`));
                  });
                  return;
                }
                queue = queue.then(async () => {
                  if (failed) return;
                  try {
                    await onBatch(message);
                    received += message.events;
                    thread.postMessage("ack");
                  } catch (error) {
                    fail(error);
                  }
                });
              });
              thread.once("error", fail);
              thread.once("exit", (code) => {
                void queue.then(() => {
                  if (!finished)
                    fail(new Error(`a verification worker stopped (exit code ${code}) before its last batch`));
                });
              });
            }),
        ),
      );
    } finally {
      await Promise.all(threads.map((thread) => thread.terminate()));
    }
  };
}
