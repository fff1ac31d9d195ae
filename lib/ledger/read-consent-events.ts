import "server-only";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import type { ConsentEvent } from "@/lib/generated/prisma/client";

/** A subject's ledger events in chain order. */
export function readConsentEvents(
  input: { subjectId: string; afterSeq?: number; limit?: number },
  tx?: Tx,
): Promise<ConsentEvent[]> {
  return (tx ?? db()).consentEvent.findMany({
    where: { subjectId: input.subjectId, seq: { gt: input.afterSeq ?? 0 } },
    orderBy: { seq: "asc" },
    take: input.limit,
  });
}

/** One event by id, or null. */
export async function readConsentEvent(eventId: string, tx?: Tx): Promise<ConsentEvent | null> {
  if (!z.uuid().safeParse(eventId).success) return null;
  return (tx ?? db()).consentEvent.findUnique({ where: { id: eventId } });
}
