import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db, replicaDb, type Tx } from "@/lib/db/client";
import { inTransaction, TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";

export interface ReadOptions {
  isolationLevel?: "RepeatableRead";
  /**
   * `replica`: read from DATABASE_REPLICA_URL when one is configured (staff search, the change
   * feed: ADR 039). Without a replica the read stays on the primary, in the log's transaction.
   */
  source?: "primary" | "replica";
  /**
   * The read is one statement (which sees one snapshot on its own): on the primary it runs
   * without a transaction, then its row is written by a statement of its own, and only after that
   * has committed is the result returned, as for a replica read. Two round trips instead of four
   * and Prisma's interactive transaction: the consent API's read of a person (ADR 045).
   */
  oneStatement?: boolean;
}

/**
 * Runs a staff read and writes its AccessLog row before anything is returned: if the log write
 * fails, the read fails with it, so no data leaves without a record of who saw it. The entry is
 * built from the result (which subjects were seen).
 *
 * On the primary the read and its row share one transaction (ADR 006). A read from the replica
 * cannot share a transaction with a write on the primary: it runs in one read-only snapshot on the
 * replica, then its row commits on the primary, and only then is the result returned (ADR 039).
 * The row names the replica and the WAL position it had replayed, i.e. which state was shown.
 * A read of one statement (`oneStatement`) needs no transaction for that either (ADR 045).
 */
export async function readWithAccessLog<T>(
  actor: Actor,
  read: (tx: Tx) => Promise<T>,
  record: (result: T) => AccessLogEntry,
  options: ReadOptions = {},
): Promise<T> {
  const replica = options.source === "replica" ? replicaDb() : null;
  if (replica) {
    const { result, replayedLsn } = await replica.$transaction(
      async (tx) => {
        const result = await read(tx);
        const [position] = await tx.$queryRaw<Array<{ lsn: string | null }>>`
          SELECT pg_last_wal_replay_lsn()::text AS lsn`;
        return { result, replayedLsn: position?.lsn ?? null };
      },
      // One snapshot for every query of the read, as on the primary.
      { ...TRANSACTION_OPTIONS, isolationLevel: "RepeatableRead" },
    );
    const entry = record(result);
    await appendAccessLog({ ...entry, detail: { ...entry.detail, readFrom: "replica", replayedLsn } }, actor);
    return result;
  }
  if (options.oneStatement) {
    const result = await read(db());
    await appendAccessLog(record(result), actor);
    return result;
  }
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
