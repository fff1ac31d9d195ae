import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";
import { accessChannel, type StaffActor } from "./staff-actor";

export type AccessRecord = Pick<AccessLogEntry, "action" | "subjectId" | "detail">;

/**
 * Runs a staff read and writes its AccessLog row in the same transaction, before anything is
 * returned: if the log write fails, the read fails with it, so no data leaves without a record of
 * who saw it. The entry is built from the result (which subjects were seen).
 */
export async function readWithAccessLog<T>(
  actor: StaffActor,
  read: (tx: Tx) => Promise<T>,
  record: (result: T) => AccessRecord,
  options: { isolationLevel?: "RepeatableRead" } = {},
): Promise<T> {
  return db().$transaction(
    async (tx) => {
      const result = await read(tx);
      await logAccess(actor, record(result), tx);
      return result;
    },
    { maxWait: 15_000, timeout: 30_000, ...options },
  );
}

/** Appends one AccessLog row for a staff actor (in the caller's transaction when given). */
export async function logAccess(actor: StaffActor, entry: AccessRecord, tx?: Tx): Promise<void> {
  await appendAccessLog(
    {
      actorId: actor.userId,
      actorRole: actor.role,
      action: entry.action,
      subjectId: entry.subjectId ?? null,
      detail: { ...accessChannel(actor), ...(entry.detail ?? {}) },
    },
    tx,
  );
}
