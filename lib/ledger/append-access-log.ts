import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { AccessLog, Prisma } from "@/lib/generated/prisma/client";
import { accessLogEntrySchema, type AccessLogEntry } from "./schemas";

/**
 * Records a staff read, search or export. Pass the transaction of the read when there is one;
 * like the ledger, a failed log write fails the request (no best-effort auditing).
 */
export async function appendAccessLog(entry: AccessLogEntry, tx?: Tx): Promise<AccessLog> {
  const { detail, subjectId, ...rest } = parseInput(accessLogEntrySchema, entry);
  return (tx ?? db()).accessLog.create({
    data: { ...rest, subjectId: subjectId ?? null, detail: (detail ?? undefined) as Prisma.InputJsonValue | undefined },
  });
}
