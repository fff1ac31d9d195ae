import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { masterKeys } from "@/lib/crypto/ledger-keys";
import { wrappingKeyId } from "@/lib/crypto/wrapped-data-key";
import { db, type Db } from "@/lib/db/client";
import { TRANSACTION_OPTIONS } from "@/lib/db/transaction";
import { parseInput } from "@/lib/errors";
import { rewrapDataKey } from "@/lib/subjects/subject-profile";
import { z } from "zod";
import { appendAdminChange } from "./append-admin-change";

const rewrapInputSchema = z.strictObject({
  batchSize: z.number().int().min(1).max(10_000).default(500),
});

export interface RewrapProgress {
  /** Rows moved to the current master key so far in this run. */
  rewrapped: number;
  /** Rows still wrapped by another key when the run started, minus those moved since. */
  remaining: number;
  keyId: string;
}

// The first 9 bytes of a blob wrapped by the current key (wrapped-data-key.ts layout). Comparing
// them in SQL lets a batch select only the rows that still need work.
const currentPrefix = (keyId: string) => Buffer.concat([Buffer.from([2]), Buffer.from(keyId, "hex")]);

/** Subjects whose data key is not (yet) wrapped by the current master key. */
export async function countSubjectsToRewrap(client: Db = db()): Promise<{ remaining: number; keyId: string }> {
  const keyId = masterKeys().current.id;
  const [row] = await client.$queryRaw<[{ remaining: bigint }]>`
    SELECT count(*) AS remaining FROM "Subject"
    WHERE wrapped_key IS NOT NULL AND substring(wrapped_key FROM 1 FOR 9) <> ${currentPrefix(keyId)}`;
  return { remaining: Number(row.remaining), keyId };
}

/**
 * Wraps every subject's data key again under the current master key, leaving the data keys and
 * so every ciphertext unchanged (ADR 026). Batches walk the primary key and lock their rows, so
 * the portal keeps serving (reads accept every configured key) and an erasure that comes first
 * wins (its NULL is never overwritten). Each batch commits with its AdminChange row; a stopped
 * run loses at most its open batch, and the next run skips what is done: the wrapped blob names
 * its key. `onBatch` is called after each commit. `client` is for `npm run keys:rewrap`, which
 * needs no configuration but the database and the keys.
 */
export async function rewrapSubjectKeys(
  input: z.input<typeof rewrapInputSchema>,
  actor: Actor,
  options: { client?: Db; onBatch?: (progress: RewrapProgress) => void | Promise<void> } = {},
): Promise<RewrapProgress> {
  const { batchSize } = parseInput(rewrapInputSchema, input);
  const client = options.client ?? db();
  let { remaining, keyId } = await countSubjectsToRewrap(client);
  let rewrapped = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await client.$transaction(async (tx) => {
      keyId = masterKeys().current.id;
      const rows = await tx.$queryRaw<Array<{ id: string; wrapped_key: Uint8Array }>>`
        SELECT id, wrapped_key FROM "Subject"
        WHERE id > ${after}::uuid AND wrapped_key IS NOT NULL
          AND substring(wrapped_key FROM 1 FOR 9) <> ${currentPrefix(keyId)}
        ORDER BY id LIMIT ${batchSize} FOR UPDATE`;
      if (rows.length === 0) return null;
      const before: Record<string, number> = {};
      for (const row of rows) {
        const id = wrappingKeyId(row.wrapped_key) ?? "unversioned";
        before[id] = (before[id] ?? 0) + 1;
      }
      const wrapped = rows.map((row) => Buffer.from(rewrapDataKey(row.id, row.wrapped_key)));
      await tx.$executeRaw`
        UPDATE "Subject" AS s SET wrapped_key = r.wrapped_key
        FROM unnest(${rows.map((row) => row.id)}::uuid[], ${wrapped}::bytea[]) AS r(id, wrapped_key)
        WHERE s.id = r.id`;
      const first = rows[0]!.id;
      const last = rows.at(-1)!.id;
      await appendAdminChange(
        {
          action: "keys.rewrap",
          target: `LEDGER_MASTER_KEY ${keyId}`,
          before,
          after: { subjects: rows.length, firstSubjectId: first, lastSubjectId: last },
        },
        actor,
        tx,
      );
      return { count: rows.length, last };
    }, TRANSACTION_OPTIONS);
    if (!batch) break;
    after = batch.last;
    rewrapped += batch.count;
    remaining = Math.max(0, remaining - batch.count);
    await options.onBatch?.({ rewrapped, remaining, keyId });
  }
  return { rewrapped, remaining: (await countSubjectsToRewrap(client)).remaining, keyId };
}
