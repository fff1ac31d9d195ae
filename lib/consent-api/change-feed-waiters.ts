import "server-only";
import { db, replicaDb } from "@/lib/db/client";
import { logger } from "@/lib/logger";

/** How often the one poller of this process looks at the log while someone waits. */
const POLL_INTERVAL_MS = 200;

interface Waiter {
  after: bigint;
  resolve: (arrived: boolean) => void;
}

const waiters = new Set<Waiter>();
let polling = false;

/**
 * Resolves true as soon as the transparency log holds a consent event after `after` (the change
 * feed's cursor), false after `timeoutMs` or when `signal` aborts (the client went away). Every
 * waiter of the process shares one poller, which runs only while someone waits: one indexed
 * query per distinct cursor every 200 ms, whatever the number of waiting clients (ADR 033).
 */
export function waitForConsentEventAfter(after: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const waiter: Waiter = {
      after: BigInt(after),
      resolve: (arrived) => {
        waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(arrived);
      },
    };
    const onAbort = () => waiter.resolve(false);
    const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    waiters.add(waiter);
    if (!polling) void poll();
  });
}

async function poll(): Promise<void> {
  polling = true;
  try {
    while (waiters.size > 0) {
      const cursors = [...new Set([...waiters].map((waiter) => waiter.after))];
      for (const after of cursors) {
        // Polls where the feed reads (the replica when there is one): a wait ends when the read will see it.
        const next = await (replicaDb() ?? db()).logLeaf.findFirst({
          where: { kind: "consent_event", logIndex: { gt: after } },
          orderBy: { logIndex: "asc" },
          select: { logIndex: true },
        });
        if (!next) continue;
        for (const waiter of waiters) if (waiter.after === after) waiter.resolve(true);
      }
      if (waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  } catch (error) {
    // The database is unreachable: the waiting requests answer now, with what the read finds.
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "change feed poll failed");
    for (const waiter of waiters) waiter.resolve(false);
  } finally {
    polling = false;
  }
}
