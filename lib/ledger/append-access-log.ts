import "server-only";
import { actorChannel, actorRole, auditActor, type Actor } from "@/lib/auth/actor";
import { db, type Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { AccessLog, Prisma } from "@/lib/generated/prisma/client";
import { accessLogEntrySchema, type AccessLogEntry } from "./schemas";

/**
 * Records a staff read, search or export by `actor`. Pass the transaction of the read when there
 * is one; like the ledger, a failed log write fails the request (no best-effort auditing).
 */
export async function appendAccessLog(entry: AccessLogEntry, actor: Actor, tx?: Tx): Promise<AccessLog> {
  const { detail, subjectId, action } = parseInput(accessLogEntrySchema, entry);
  return (tx ?? db()).accessLog.create({
    data: {
      ...auditActor(actor),
      actorRole: actorRole(actor),
      action,
      subjectId: subjectId ?? null,
      detail: { ...actorChannel(actor), ...(detail ?? {}) } as Prisma.InputJsonValue,
    },
  });
}
