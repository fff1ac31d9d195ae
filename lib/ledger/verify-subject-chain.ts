import "server-only";
import { db, type Db } from "@/lib/db/client";
import { ChainChecker, type ChainBreak } from "./event-hash";

export interface SubjectChainVerification {
  subjectId: string;
  ok: boolean;
  events: number;
  firstBroken: ChainBreak | null;
}

/** Recomputes one subject's chain (the compliance subject page shows the result as a badge). */
export async function verifySubjectChain(subjectId: string, client: Db = db()): Promise<SubjectChainVerification> {
  // One snapshot, so an append committing meanwhile cannot look like a mismatch with the head.
  return client.$transaction(
    async (tx) => {
      const subject = await tx.subject.findUnique({
        where: { id: subjectId },
        select: { lastSeq: true, lastHash: true },
      });
      const events = await tx.consentEvent.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });
      const checker = new ChainChecker(subjectId);
      for (const event of events) checker.add(event);
      const firstBroken = checker.finish(subject ?? { lastSeq: 0, lastHash: null });
      return { subjectId, ok: firstBroken === null, events: events.length, firstBroken };
    },
    { isolationLevel: "RepeatableRead" },
  );
}
