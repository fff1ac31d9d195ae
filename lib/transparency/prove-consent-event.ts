import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { toBase64 } from "@/lib/tlog/bytes";
import { openCheckpoint } from "@/lib/tlog/checkpoint";
import { leafHash, verifyInclusion } from "@/lib/tlog/merkle";
import { verifierKeyOf } from "@/lib/tlog/note";
import type { HashedEventColumns } from "@/lib/ledger/event-hash";
import { consentEventLeaf } from "./leaf-data";
import { logConfig } from "./log-config";
import { firstWitnessedCheckpoint } from "./read-checkpoints";
import { readInclusionProof } from "./read-proofs";

/** What a receipt carries to prove itself offline (ADR 028). */
export interface ReceiptProof {
  /** The log's origin (its checkpoint's first line). */
  log: string;
  leafIndex: number;
  /** The leaf's bytes, as UTF-8 JSON (RFC 8785). */
  leafData: string;
  /** RFC 9162 inclusion proof of the leaf in the checkpoint's tree, base64 hashes. */
  inclusionProof: string[];
  /** The witnessed checkpoint: the log's signed note with the witnesses' cosignature lines. */
  checkpoint: string;
}

const utf8 = new TextEncoder();

/**
 * The proof that a consent event is in the log, checked here before anything is signed: the
 * event's leaf recomputed from the row must be the log's leaf, and its inclusion proof must lead
 * to the root of the first witnessed checkpoint that holds it. Returns null while the event waits to be
 * integrated or witnessed; refuses (409) an event the log does not hold as it is.
 */
export async function proveConsentEvent(
  event: HashedEventColumns & { hash: string },
  tx?: Tx,
): Promise<ReceiptProof | null> {
  const client = tx ?? db();
  const expected = consentEventLeaf(event).data;
  const leaf = await client.logLeaf.findUnique({ where: { rowId: event.id } });
  if (!leaf) {
    const queued = await client.logQueue.findFirst({ where: { rowId: event.id } });
    // Queued by the writer (same data) or by the log's migration (empty: computed at integration).
    if (queued && (queued.data === expected || queued.data === "")) return null;
    throw notInLog(event.id, "neither in the log nor queued");
  }
  if (leaf.data !== expected) throw notInLog(event.id, "differs from its log entry");
  const index = Number(leaf.logIndex);
  // The first witnessed tree that holds the leaf, not the newest: the receipt stays the same file.
  const checkpoint = await firstWitnessedCheckpoint(index + 1);
  if (!checkpoint) return null;
  const config = logConfig();
  // The checkpoint as the log signed it (openCheckpoint throws on a bad signature).
  const { size, root } = openCheckpoint(checkpoint.note, verifierKeyOf(config.signerKey)).checkpoint;
  const proof = await readInclusionProof(index, size);
  const included = verifyInclusion({ index, size, leafHash: leafHash(utf8.encode(leaf.data)), proof, root });
  if (!included) throw notInLog(event.id, "not included in the witnessed tree");
  return {
    log: config.origin,
    leafIndex: index,
    leafData: leaf.data,
    inclusionProof: proof.map(toBase64),
    checkpoint: checkpoint.note,
  };
}

function notInLog(eventId: string, why: string): AppError {
  logger.error({ eventId, why }, "receipt refused: the event does not match the transparency log");
  return new AppError(
    "conflict",
    "This decision does not match the verifiable log, so no receipt is signed for it: ask the privacy team to verify the ledger.",
    { field: "eventId" },
  );
}
