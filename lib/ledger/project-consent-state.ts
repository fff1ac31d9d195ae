import type { ConsentEvent, ConsentState } from "@/lib/generated/prisma/client";

/**
 * The projection rule, shared by appends and rebuilds: a grant or withdrawal sets its
 * purpose's state, a request (unverified address, ADR 040) makes it pending; an erasure
 * withdraws everything. Mutates `state` (keyed by purpose id) and
 * returns the purpose ids it changed.
 */
export function projectEvent(state: Map<string, ConsentState>, event: ConsentEvent): string[] {
  // Object literals of one shape, not spreads: the verifier calls this for every event.
  if (event.action === "erased") {
    for (const [purposeId, row] of state) {
      state.set(purposeId, {
        subjectId: event.subjectId,
        purposeId,
        status: "withdrawn",
        policyVersionId: row.policyVersionId,
        purposeVersionId: row.purposeVersionId,
        eventId: event.id,
        seq: event.seq,
        updatedAt: event.serverTime,
      });
    }
    return [...state.keys()];
  }
  const purposeId = event.purposeId!;
  state.set(purposeId, {
    subjectId: event.subjectId,
    purposeId,
    status: event.action === "requested" ? "pending" : event.action,
    policyVersionId: event.policyVersionId,
    purposeVersionId: event.purposeVersionId,
    eventId: event.id,
    seq: event.seq,
    updatedAt: event.serverTime,
  });
  return [purposeId];
}

/** Replays a subject's events (in seq order) into its consent state. */
export function projectEvents(events: ConsentEvent[]): Map<string, ConsentState> {
  const state = new Map<string, ConsentState>();
  for (const event of events) projectEvent(state, event);
  return state;
}
