import "server-only";
import { db } from "@/lib/db/client";
import type { Purpose } from "@/lib/generated/prisma/client";
import { listPurposes } from "@/lib/policies/list-purposes";

export interface PurposeOverview {
  purpose: Purpose;
  granted: number;
  withdrawn: number;
  /** Ledger events about the purpose: with any, it can be retired but never deleted. */
  events: number;
}

/** Every purpose, retired ones included, with how many people currently consent. */
export async function readPurposeOverview(): Promise<PurposeOverview[]> {
  const [purposes, states, events] = await Promise.all([
    listPurposes(undefined, { includeRetired: true }),
    db().consentState.groupBy({ by: ["purposeId", "status"], _count: { _all: true } }),
    db().consentEvent.groupBy({ by: ["purposeId"], where: { purposeId: { not: null } }, _count: { _all: true } }),
  ]);
  const count = (purposeId: string, status: "granted" | "withdrawn") =>
    states.find((row) => row.purposeId === purposeId && row.status === status)?._count._all ?? 0;
  return purposes.map((purpose) => ({
    purpose,
    granted: count(purpose.id, "granted"),
    withdrawn: count(purpose.id, "withdrawn"),
    events: events.find((row) => row.purposeId === purpose.id)?._count._all ?? 0,
  }));
}
