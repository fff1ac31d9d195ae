import "server-only";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { projectEvents } from "@/lib/ledger/project-consent-state";
import { readConsentEvents } from "@/lib/ledger/read-consent-events";

/**
 * Recomputes a subject's ConsentState rows from the ledger and replaces them; returns how many
 * rows differed. The projection is a cache of the events: this is how it is repaired or checked.
 */
export function rebuildConsentState(subjectId: string, tx?: Tx): Promise<{ rows: number; changed: number }> {
  return inTransaction(tx, async (tx) => {
    // Hold the chain lock so no append lands between reading the events and writing the state.
    await tx.$queryRaw`SELECT id FROM "Subject" WHERE id = ${subjectId}::uuid FOR NO KEY UPDATE`;
    const rebuilt = projectEvents(await readConsentEvents({ subjectId }, tx));
    const stored = await tx.consentState.findMany({ where: { subjectId } });
    const same = (a: (typeof stored)[number], b: (typeof stored)[number] | undefined) =>
      !!b &&
      a.status === b.status &&
      a.policyVersionId === b.policyVersionId &&
      a.purposeVersionId === b.purposeVersionId &&
      a.eventId === b.eventId &&
      a.seq === b.seq &&
      a.updatedAt.getTime() === b.updatedAt.getTime();
    const changed =
      [...rebuilt.values()].filter(
        (row) =>
          !same(
            row,
            stored.find((s) => s.purposeId === row.purposeId),
          ),
      ).length + stored.filter((row) => !rebuilt.has(row.purposeId)).length;
    if (changed > 0) {
      await tx.consentState.deleteMany({ where: { subjectId } });
      await tx.consentState.createMany({ data: [...rebuilt.values()] });
    }
    return { rows: rebuilt.size, changed };
  });
}
