import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";

/**
 * Runs a staff read and writes its AccessLog row in the same transaction, before anything is
 * returned: if the log write fails, the read fails with it, so no data leaves without a record of
 * who saw it. The entry is built from the result (which subjects were seen).
 */
export async function readWithAccessLog<T>(
  actor: Actor,
  read: (tx: Tx) => Promise<T>,
  record: (result: T) => AccessLogEntry,
  options: { isolationLevel?: "RepeatableRead" } = {},
): Promise<T> {
  return inTransaction(
    undefined,
    async (tx) => {
      const result = await read(tx);
      await appendAccessLog(record(result), actor, tx);
      return result;
    },
    options,
  );
}
