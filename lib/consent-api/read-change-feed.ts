import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { parseInput } from "@/lib/errors";
import { toApiEvent } from "./api-event";
import { waitForConsentEventAfter } from "./change-feed-waiters";
import { changeFeedQuerySchema, type ChangeFeed } from "./schemas";

/**
 * Consent events after a cursor, in the transparency log's order (ADR 033). The cursor is the log
 * index: the one sequencer hands out indexes in the order it integrates committed rows, so a
 * reader that has seen index n has seen every event before it, which a sequence drawn at insert
 * time cannot promise (a lower number can commit later). Events appear once integrated (the
 * sequencer's interval, ~1 s). With `wait`, a read with nothing new waits for the next event
 * (long polling) instead of answering an empty page.
 */
export async function readChangeFeed(
  input: { after?: number | string; limit?: number | string; wait?: number | string },
  actor: Actor,
  options: { signal?: AbortSignal } = {},
): Promise<ChangeFeed> {
  const { after, limit, wait } = parseInput(changeFeedQuerySchema, input);
  // Long polling: nothing after the cursor yet, so wait (bounded) until the log has something;
  // then read as usual. The read and its access-log row come once, after the wait.
  if (wait > 0) await waitForConsentEventAfter(after, wait * 1000, options.signal);
  return readWithAccessLog(
    actor,
    async (tx) => {
      const leaves = await tx.logLeaf.findMany({
        where: { kind: "consent_event", logIndex: { gt: BigInt(after) } },
        orderBy: { logIndex: "asc" },
        take: limit + 1,
        select: { logIndex: true, rowId: true },
      });
      const page = leaves.slice(0, limit);
      const events = await tx.consentEvent.findMany({
        where: { id: { in: page.map((leaf) => leaf.rowId) } },
        include: { purpose: { select: { key: true } } },
      });
      const byId = new Map(events.map((event) => [event.id, event]));
      return {
        events: page.map((leaf) => {
          const event = byId.get(leaf.rowId)!;
          return { ...toApiEvent(event, event.purpose?.key ?? null), logIndex: Number(leaf.logIndex) };
        }),
        nextAfter: page.length ? Number(page.at(-1)!.logIndex) : after,
        hasMore: leaves.length > limit,
      };
    },
    (result) => ({
      action: "api.events.read",
      detail: { after, count: result.events.length, ...(wait ? { wait } : {}) },
    }),
    // Search, exports and this feed read from the replica when there is one (ADR 039): a lagging
    // replica only shows fewer events, in the same order, never one the primary lacks.
    { source: "replica" },
  );
}
