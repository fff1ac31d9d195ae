import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { idempotencyKeySchema } from "./schemas";

// As a header: a bad key is reported under the header's name.
const idempotencyHeaderSchema = z.object({ "Idempotency-Key": idempotencyKeySchema });

/** The `Idempotency-Key` header checked (422 naming the header), or undefined when none was sent. */
export function parseIdempotencyKey(header: string | null | undefined): string | undefined {
  if (header === undefined || header === null) return undefined;
  return parseInput(idempotencyHeaderSchema, { "Idempotency-Key": header })["Idempotency-Key"];
}

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * Claims an idempotency key in the caller's transaction (ADR 033): the row is inserted first, so
 * a concurrent retry's insert waits on it and then finds the committed answer. Null when this
 * request claimed the key (run it, then `storeIdempotentAnswer`); the first answer when the same
 * request came before; 409 when the key was used for another request.
 */
export async function claimIdempotencyKey(
  actor: Actor,
  key: string,
  requestSha256: string,
  tx: Tx,
): Promise<StoredAnswer | null> {
  const claimed = await tx.$executeRaw`
    INSERT INTO "ApiIdempotencyKey" (client_id, key, request_sha256)
    VALUES (${actor.id}, ${key}, ${requestSha256}) ON CONFLICT DO NOTHING`;
  if (claimed === 1) return null;
  const stored = await tx.apiIdempotencyKey.findUnique({ where: { clientId_key: { clientId: actor.id, key } } });
  if (!stored || stored.status === null || stored.response === null) {
    // A row purged by the retention job between the insert and this read, or one committed
    // without an answer (which a claim's transaction never does): nothing to replay.
    throw new AppError("conflict", "This Idempotency-Key is being purged; retry with a new key.", {
      field: "Idempotency-Key",
    });
  }
  if (stored.requestSha256 !== requestSha256) {
    throw new AppError("idempotency_conflict", "This Idempotency-Key was already used for a different request.", {
      field: "Idempotency-Key",
    });
  }
  return { status: stored.status, body: JSON.parse(stored.response) as unknown };
}

/** Stores the answer to a claimed key before the transaction commits (as text: a replay is byte for byte the same). */
export async function storeIdempotentAnswer(actor: Actor, key: string, answer: StoredAnswer, tx: Tx): Promise<void> {
  await tx.apiIdempotencyKey.update({
    where: { clientId_key: { clientId: actor.id, key } },
    data: { status: answer.status, response: JSON.stringify(answer.body) },
  });
}
