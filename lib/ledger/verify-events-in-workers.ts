import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  eventsOnThisThread,
  FIRST_SUBJECT_ID,
  type EventBatchResult,
  type EventRange,
  type EventReader,
} from "./event-pass";
import type { EventWorkerData } from "./event-pass-worker";

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

/** At most this many by default: each worker holds a database connection of its own. */
const MAX_DEFAULT_WORKERS = 8;

/** Below this many events (the planner's estimate) the CLI's default keeps to one thread. */
export const WORKERS_FROM_EVENTS = 100_000;

/**
 * Worker threads for `npm run ledger:verify`: one per core, up to 8. Even on two cores, shared
 * with PostgreSQL, two workers beat one thread once the ledger is large enough to pay for their
 * start (ADR 053); on one core there are none.
 */
export function defaultEventWorkers(): number {
  return Math.min(availableParallelism(), MAX_DEFAULT_WORKERS);
}

/**
 * Reads and hashes the events in `workers` worker threads, each over its own range of subjects
 * and its own connection to the same snapshot (ADR 053). The main thread matches their results
 * with the log and the other tables, one batch at a time, as it does its own.
 */
export function eventsInWorkers(
  workers: number,
  options: {
    /** Fewer events than this (the planner's estimate): read on the calling thread instead. */
    minEvents?: number;
    /** Told how many threads read the events: `workers`, or 1 when the ledger was too small. */
    onThreads?: (threads: number) => void;
  } = {},
): EventReader {
  return async (source, onBatch) => {
    const { reader, snapshot, url, batchSize } = source;
    if (options.minEvents) {
      // A small ledger is read on this thread: starting a worker costs about a second of CPU.
      const { rows } = await reader.query<{ estimate: number }>(
        `SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = '"ConsentEvent"'::regclass`,
      );
      if ((rows[0]?.estimate ?? 0) < options.minEvents) {
        options.onThreads?.(1);
        return eventsOnThisThread(source, onBatch);
      }
    }
    options.onThreads?.(workers);
    const threads: Worker[] = [];
    // One batch at a time reaches `onBatch`, whichever worker sent it; nothing after a failure.
    let queue = Promise.resolve();
    let failed = false;
    try {
      for (const range of subjectRanges(Math.max(1, workers), batchSize)) {
        const workerData: EventWorkerData = { snapshot, url, range };
        threads.push(
          new Worker(new URL("./event-pass-worker.mjs", import.meta.url), {
            argv: [new URL("./event-pass-worker.ts", import.meta.url).href],
            workerData,
            // `server-only` resolves to nothing under this condition, as in the main thread.
            execArgv: ["--conditions=react-server"],
          }),
        );
      }
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
      failed = true;
      // A batch being checked finishes before the caller closes what it uses.
      await queue;
      await Promise.all(threads.map((thread) => thread.terminate()));
    }
  };
}
