import type { ConsentEvent, ConsentState } from "@/lib/generated/prisma/client";

/**
 * The projection rule, shared by appends and rebuilds: a grant or withdrawal sets its
 * purpose's state, a request (unverified address, ADR 040) makes it pending; an erasure
 * withdraws everything. Mutates `state` (keyed by purpose id) and
 * returns the purpose ids it changed.
 */
export function projectEvent(state: Map<string, ConsentState>, event: ConsentEvent): string[] {
  const base = { subjectId: event.subjectId, eventId: event.id, seq: event.seq, updatedAt: event.serverTime };
  if (event.action === "erased") {
    for (const [purposeId, row] of state) {
      state.set(purposeId, { ...row, ...base, status: "withdrawn" });
    }
    return [...state.keys()];
  }
  const purposeId = event.purposeId!;
  state.set(purposeId, {
    ...base,
    purposeId,
    status: event.action === "requested" ? "pending" : event.action,
    policyVersionId: event.policyVersionId,
    purposeVersionId: event.purposeVersionId,
  });
  return [purposeId];
}

/** Replays a subject's events (in seq order) into its consent state. */
export function projectEvents(events: ConsentEvent[]): Map<string, ConsentState> {
  const state = new Map<string, ConsentState>();
  for (const event of events) projectEvent(state, event);
  return state;
}
