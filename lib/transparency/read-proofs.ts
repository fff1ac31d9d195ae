import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { consistencyProofPlan, inclusionProofPlan, type Hash, type NodeId } from "@/lib/tlog/merkle";
import { nodeHashesFromTiles, tilesForNodes } from "@/lib/tlog/tiles";
import { nativeHashLayer } from "./native-hash-layer";
import { readProofTiles } from "./tile-store";

/**
 * The hashes of complete subtrees of a tree of `size` leaves, once the log is known to be that
 * large: the tiles and the log's size come in one statement (one round trip, ADR 045).
 */
async function readNodes(nodes: NodeId[], size: number, field: string): Promise<Hash[]> {
  const { logSize, tiles } = await readProofTiles(db(), tilesForNodes(nodes, size));
  if (size > logSize) {
    throw new AppError("bad_request", `The log has ${logSize} entries; ${field} cannot be larger.`, { field });
  }
  return nodeHashesFromTiles(nodes, size, tiles, nativeHashLayer);
}

/** RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function readInclusionProof(index: number, size: number): Promise<Hash[]> {
  if (index >= size) throw new AppError("bad_request", "index must be smaller than size.", { field: "index" });
  const plan = inclusionProofPlan(index, size);
  return plan.assemble(await readNodes(plan.nodes, size, "size"));
}

/** RFC 9162 §2.1.4 consistency proof between the trees of `from` and `to` leaves. */
export async function readConsistencyProof(from: number, to: number): Promise<Hash[]> {
  if (from > to) throw new AppError("bad_request", "from must not be larger than to.", { field: "from" });
  if (from === 0 || from === to) {
    await readNodes([], to, "to");
    return [];
  }
  const plan = consistencyProofPlan(from, to);
  return plan.assemble(await readNodes(plan.nodes, to, "to"));
}
