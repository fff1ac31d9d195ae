import "server-only";
import { z } from "zod";
import { db, type Tx } from "@/lib/db/client";
import type { ConsentEvent } from "@/lib/generated/prisma/client";

export interface ConsentHistoryEntry extends ConsentEvent {
  purposeKey: string | null;
  purposeTitle: string | null;
  policyKind: string | null;
  policyVersionLabel: string | null;
}

/** A subject's decisions, newest first, with purpose and policy labels for the timeline. */
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
      purpose: { select: { key: true, title: true } },
      policyVersion: { select: { kind: true, version: true } },
    },
  });
  return events.map(({ purpose, policyVersion, ...event }) => ({
    ...event,
    purposeKey: purpose?.key ?? null,
    purposeTitle: purpose?.title ?? null,
    policyKind: policyVersion?.kind ?? null,
    policyVersionLabel: policyVersion?.version ?? null,
  }));
}
