import "server-only";
import type { Tx } from "@/lib/db/client";
import type { Leaf } from "./leaf-data";

/**
 * Queues rows for the log in the transaction that inserts them: the row and its place in the
 * queue commit together, and the sequencer integrates them within a second (ADR 028).
 */
export async function enqueueLeaves(tx: Tx, leaves: Leaf[]): Promise<void> {
  if (leaves.length === 0) return;
  await tx.logQueue.createMany({ data: leaves });
}
