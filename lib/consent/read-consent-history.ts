import "server-only";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import type { ConsentEvent } from "@/lib/generated/prisma/client";
import { readWordings } from "@/lib/policies/read-purpose-versions";

export interface ConsentHistoryEntry extends ConsentEvent {
  purposeKey: string | null;
  /** The wording the person was shown (ADR 025), not the purpose's current title. */
  purposeTitle: string | null;
  purposeDescription: string | null;
  purposeVersion: number | null;
  policyKind: string | null;
  policyVersionLabel: string | null;
}

/** A subject's decisions, newest first, with the purpose wording and policy shown, for the timeline. */
export async function readConsentHistory(
  subjectId: string,
  options: { beforeSeq?: number; limit?: number } = {},
  tx?: Tx,
): Promise<ConsentHistoryEntry[]> {
  if (!z.uuid().safeParse(subjectId).success) return [];
  const events = await (tx ?? db()).consentEvent.findMany({
    where: { subjectId, ...(options.beforeSeq ? { seq: { lt: options.beforeSeq } } : {}) },
    orderBy: { seq: "desc" },
    take: options.limit ?? 200,
    include: {
      purpose: { select: { key: true } },
      policyVersion: { select: { kind: true, version: true } },
    },
  });
  const wordingOf = await readWordings(events, tx);
  return events.map(({ purpose, policyVersion, ...event }) => ({
    ...event,
    purposeKey: purpose?.key ?? null,
    purposeTitle: wordingOf(event)?.title ?? null,
    purposeDescription: wordingOf(event)?.description ?? null,
    purposeVersion: wordingOf(event)?.version ?? null,
    policyKind: policyVersion?.kind ?? null,
    policyVersionLabel: policyVersion?.version ?? null,
  }));
}
