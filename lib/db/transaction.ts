import "server-only";
import { db, type Tx } from "./client";

// Appends wait on a per-subject row lock; under a burst for one subject they queue, so allow
// more than Prisma's defaults (2 s to get a connection, 5 s per transaction).
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

/**
 * Runs `work` in the caller's transaction when given one, otherwise in a new one. With
 * `retryOnUniqueViolation`, a transaction of its own that lost a race on a unique index is run
 * once more: the retry sees the winner's committed row (insert-and-catch, not check-then-insert).
 */
export async function inTransaction<T>(
  tx: Tx | undefined,
  work: (tx: Tx) => Promise<T>,
  options: { retryOnUniqueViolation?: boolean; isolationLevel?: "RepeatableRead" | "Serializable" } = {},
): Promise<T> {
  if (tx) return work(tx);
  const settings = {
    ...TRANSACTION_OPTIONS,
    ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
  };
  try {
    return await db().$transaction(work, settings);
  } catch (error) {
    if (options.retryOnUniqueViolation && isUniqueViolation(error)) return db().$transaction(work, settings);
    throw error;
  }
}

/**
 * True for a unique-constraint violation: Prisma's P2002 from a model query, or PostgreSQL's
 * 23505 from a raw one (P2010, "Raw query failed. Code: `23505`").
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta, message } = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  if (code === "P2002") return true;
  return code === "P2010" && (meta?.code === "23505" || (typeof message === "string" && message.includes("`23505`")));
}
