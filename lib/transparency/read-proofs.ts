import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { consistencyProofPlan, HASH_SIZE, inclusionProofPlan, type Hash, type NodeId } from "@/lib/tlog/merkle";
import {
  nodeHashesFromTiles,
  tileKey,
  tileLayers,
  tilesForNodes,
  tileWidth,
  type TileId,
  type TileLayers,
} from "@/lib/tlog/tiles";
import { nativeHashLayer } from "./native-hash-layer";
import { readProofTiles } from "./tile-store";

/**
 * Tiles' node hashes (`tileLayers`), most recently used last (ADR 051). A tile's first hashes never
 * change, so what is kept stays true; a proof reads only the tiles not kept here at least as wide
 * as its tree needs. The upper levels' few tiles and each level's right edge are in nearly every
 * proof; a right edge is read again once the tree a proof asks about has outgrown it.
 * 512 tiles of at most 16 KB: 8 MB at most.
 */
const keptTiles = new Map<string, TileLayers>();
const TILES_KEPT = 512;

/** The kept layers of `tile` if they cover its width in the tree of `size`, now the most recently used. */
function kept(tile: TileId, size: number): TileLayers | undefined {
  const key = tileKey(tile);
  const layers = keptTiles.get(key);
  if (!layers || layers[0]!.length < tileWidth(tile, size) * HASH_SIZE) return undefined;
  keptTiles.delete(key);
  keptTiles.set(key, layers);
  return layers;
}

function keep(key: string, data: Uint8Array): TileLayers {
  const layers = tileLayers(data, nativeHashLayer);
  keptTiles.delete(key); // kept narrower before, or by a concurrent proof meanwhile
  if (keptTiles.size >= TILES_KEPT) keptTiles.delete(keptTiles.keys().next().value!);
  keptTiles.set(key, layers);
  return layers;
}

/**
 * The hashes of complete subtrees of a tree of `size` leaves, once the log is known to be that
 * large: the tiles not kept and the log's size come in one statement (one round trip, ADR 045).
 * The layers this proof uses are held in `layers`, so keeping the tiles it reads (which may push
 * others out of `keptTiles`) cannot take them away mid-proof.
 */
async function readNodes(nodes: NodeId[], size: number, field: string): Promise<Hash[]> {
  const layers = new Map<string, TileLayers>();
  const missing: TileId[] = [];
  for (const tile of tilesForNodes(nodes, size)) {
    const known = kept(tile, size);
    if (known) layers.set(tileKey(tile), known);
    else missing.push(tile);
  }
  const { logSize, tiles } = await readProofTiles(db(), missing);
  if (size > logSize) {
    throw new AppError("bad_request", `The log has ${logSize} entries; ${field} cannot be larger.`, { field });
  }
  for (const [key, data] of tiles) layers.set(key, keep(key, data));
  return nodeHashesFromTiles(nodes, size, tiles, nativeHashLayer, layers);
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
