import { concatBytes } from "./bytes";
import { emptyRoot, foldRange, type Hash, HASH_SIZE, type NodeId, nodeHash } from "./merkle";

/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the Merkle tree stored as tiles of 256
 * hashes, storage-agnostic. Tile (L, N) holds the hashes of the level-8L nodes N·256 … N·256+255
 * (level 8L = complete subtrees of 256^L leaves); the 7 levels between are recomputed by hashing
 * inside the tile. A tile only ever grows (a partial tile gains hashes until it is full), so one
 * row per (level, index), upserted, stores every tree size at once.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface TileId {
  level: number;
  index: number;
}

/** A tile's contents: concatenated 32-byte hashes, 1 to 256 of them. */
export interface Tile extends TileId {
  data: Uint8Array;
}

/** Tiles by `tileKey`. */
export type TileMap = ReadonlyMap<string, Uint8Array>;

export function tileKey({ level, index }: TileId): string {
  return `${level}/${index}`;
}

/** Rows read from storage, keyed for `nodeHashesFromTiles`, `appendLeaves` and `rootFromTiles`. */
export function tileMap(tiles: Iterable<Tile>): Map<string, Uint8Array> {
  return new Map(Array.from(tiles, (tile) => [tileKey(tile), tile.data]));
}

/** Number of level-8L hashes in a tree of `size` leaves. */
function hashesAtTileLevel(level: number, size: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** How many hashes tile (level, index) holds in the tree of `size` leaves (0: it does not exist yet). */
export function tileWidth({ level, index }: TileId, size: number): number {
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtTileLevel(level, size) - index * TILE_WIDTH));
}

/** `x001/x234/067` for 1234067: 3-digit groups, all but the last prefixed with `x`. */
function encodeTileIndex(index: number): string {
  const digits = String(index).padStart(3, "0");
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.unshift(digits.slice(Math.max(0, end - 3), end).padStart(3, "0"));
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

const widthSuffix = (width: number) => (width < TILE_WIDTH ? `.p/${width}` : "");

function assertWidth(width: number) {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError("tile width must be 1..256");
}

/** `tile/<L>/<N>[.p/<W>]` (relative to the log's prefix). */
export function tilePath({ level, index, width }: TileId & { width: number }): string {
  assertWidth(width);
  return `tile/${level}/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]`: the leaves of level-0 tile N. */
export function entryBundlePath({ index, width }: { index: number; width: number }): string {
  assertWidth(width);
  return `tile/entries/${encodeTileIndex(index)}${widthSuffix(width)}`;
}

const TILE_PATH = /^tile\/(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*)(\d{3})(?:\.p\/([1-9]\d{0,2}))?$/;

/** Parses a tile or entry bundle path (as `tilePath`/`entryBundlePath` write them); `null` if it is not one. */
export function parseTilePath(
  path: string,
):
  | { kind: "tile"; level: number; index: number; width: number }
  | { kind: "entries"; index: number; width: number }
  | null {
  const match = TILE_PATH.exec(path);
  if (!match) return null;
  const [, levelText, xGroups, lastGroup, widthText] = match;
  const index = Number(`${(xGroups ?? "").replaceAll("x", "").replaceAll("/", "")}${lastGroup}`);
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (width > 255 && widthText !== undefined) return null;
  // One canonical spelling per index: no leading zero group.
  if (encodeTileIndex(index) !== `${xGroups}${lastGroup}` || !Number.isSafeInteger(index)) return null;
  if (levelText === "entries") return { kind: "entries", index, width };
  const level = Number(levelText);
  return level <= 63 ? { kind: "tile", level, index, width } : null;
}

/** Big-endian uint16 length-prefixed entries (a C2SP entry bundle). */
export function encodeEntryBundle(entries: Uint8Array[]): Uint8Array {
  return concatBytes(
    ...entries.flatMap((entry) => {
      if (entry.length > 0xffff) throw new RangeError("an entry bundle holds entries of at most 65535 bytes");
      return [Uint8Array.of(entry.length >> 8, entry.length & 0xff), entry];
    }),
  );
}

export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new Error("entry bundle is truncated");
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw new Error("entry bundle is truncated");
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

/** Where a node lives: its tile, and the run of tile hashes it is the subtree root of. */
function locateNode({ level, index }: NodeId): { tile: TileId; first: number; count: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const height = level - tileLevel * TILE_HEIGHT;
  const firstHash = index * 2 ** height;
  const tileIndex = Math.floor(firstHash / TILE_WIDTH);
  return {
    tile: { level: tileLevel, index: tileIndex },
    first: firstHash - tileIndex * TILE_WIDTH,
    count: 2 ** height,
  };
}

function assertComplete(node: NodeId, size: number) {
  if ((node.index + 1) * 2 ** node.level > size) {
    throw new RangeError(`node ${node.level}/${node.index} is not a complete subtree of a tree of ${size} leaves`);
  }
}

/** The tiles to read for these nodes of the tree of `size` leaves (each once). */
export function tilesForNodes(nodes: NodeId[], size: number): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const node of nodes) {
    assertComplete(node, size);
    const { tile } = locateNode(node);
    tiles.set(tileKey(tile), tile);
  }
  return [...tiles.values()];
}

/**
 * Hashes the first `count` (even) 32-byte hashes of `layer` pairwise, in place: the parent of
 * hashes 2i and 2i+1 (merkle.ts's `nodeHash`) is written over hash i. A server may pass a native
 * one (ADR 045).
 */
export type LayerHasher = (layer: Uint8Array, count: number) => void;

/** The `LayerHasher` on `nodeHash` (@noble/hashes): what runs in the browser and by default. */
export function hashLayer(layer: Uint8Array, count: number): void {
  for (let pair = 0; pair < count / 2; pair++) {
    const left = layer.subarray(2 * pair * HASH_SIZE, (2 * pair + 1) * HASH_SIZE);
    const right = layer.subarray((2 * pair + 1) * HASH_SIZE, (2 * pair + 2) * HASH_SIZE);
    layer.set(nodeHash(left, right), pair * HASH_SIZE);
  }
}

/** Root of 2^h consecutive hashes (concatenated), hashed level by level in one copy of them. */
function perfectRoot(hashes: Uint8Array, hasher: LayerHasher = hashLayer): Hash {
  if (hashes.length === HASH_SIZE) return hashes;
  const layer = new Uint8Array(hashes);
  for (let count = hashes.length / HASH_SIZE; count > 1; count /= 2) hasher(layer, count);
  return layer.slice(0, HASH_SIZE);
}

function tileHashes(data: Uint8Array, first: number, count: number): Hash[] {
  return Array.from({ length: count }, (_, i) => data.subarray((first + i) * HASH_SIZE, (first + i + 1) * HASH_SIZE));
}

/**
 * Every complete subtree's hash inside a tile, by height: layer h holds the hashes of its
 * ⌊width / 2^h⌋ aligned runs of 2^h hashes (layer 0 the tile's own hashes). A tile only grows, and
 * its first hashes never change, so these stay true for every tree the tile is part of: a server
 * can keep them and answer any node inside the tile without hashing (ADR 051).
 */
export type TileLayers = readonly Uint8Array[];

export function tileLayers(data: Uint8Array, hasher: LayerHasher = hashLayer): TileLayers {
  const width = data.length / HASH_SIZE;
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError("a tile holds 1..256 hashes");
  const layers: Uint8Array[] = [data.slice()];
  for (let count = width; count > 1; count = Math.floor(count / 2)) {
    const even = count - (count % 2);
    const layer = layers[layers.length - 1]!.slice(0, even * HASH_SIZE);
    hasher(layer, even);
    layers.push(layer.slice(0, (even / 2) * HASH_SIZE));
  }
  return layers;
}

/**
 * The hashes of `nodes` (complete subtrees of the tree of `size`): from `layers` when their tile's
 * are known and wide enough, otherwise read from `tiles`, up to 255 node hashes per tile level
 * rebuilt with `hasher`.
 */
export function nodeHashesFromTiles(
  nodes: NodeId[],
  size: number,
  tiles: TileMap,
  hasher: LayerHasher = hashLayer,
  layers?: { get(key: string): TileLayers | undefined },
): Hash[] {
  return nodes.map((node) => {
    assertComplete(node, size);
    const { tile, first, count } = locateNode(node);
    const known = layers?.get(tileKey(tile));
    const at = (first / count) * HASH_SIZE;
    const layer = known?.[Math.log2(count)];
    if (layer && layer.length >= at + HASH_SIZE) return layer.slice(at, at + HASH_SIZE);
    const data = tiles.get(tileKey(tile));
    if (!data || data.length % HASH_SIZE !== 0 || data.length < (first + count) * HASH_SIZE) {
      throw new Error(`tile ${tileKey(tile)} is missing or too short for node ${node.level}/${node.index}`);
    }
    return perfectRoot(data.subarray(first * HASH_SIZE, (first + count) * HASH_SIZE), hasher);
  });
}

/** The partial last tile of each level of the tree of `size` leaves: what `appendLeaves` and `rootFromTiles` read. */
export function rightEdgeTileIds(size: number): TileId[] {
  const tiles: TileId[] = [];
  for (let level = 0; TILE_WIDTH ** level <= size; level++) {
    const count = hashesAtTileLevel(level, size);
    if (count % TILE_WIDTH !== 0) tiles.push({ level, index: Math.floor(count / TILE_WIDTH) });
  }
  return tiles;
}

/** The right edge as hash lists, checked to be exactly as wide as the tree of `size` says. */
function readRightEdge(size: number, tiles: TileMap): Map<number, { index: number; hashes: Hash[] }> {
  const edge = new Map<number, { index: number; hashes: Hash[] }>();
  for (const tile of rightEdgeTileIds(size)) {
    const width = tileWidth(tile, size);
    const data = tiles.get(tileKey(tile));
    if (!data || data.length !== width * HASH_SIZE) {
      throw new Error(`tile ${tileKey(tile)} must hold ${width} hashes for a tree of ${size} leaves`);
    }
    edge.set(tile.level, { index: tile.index, hashes: tileHashes(data, 0, width) });
  }
  return edge;
}

/** MTH from the right edge: each partial tile's hashes split into perfect subtrees, largest first. */
function rootFromEdge(edge: Map<number, { hashes: Hash[] }>): Hash {
  const subtrees: Hash[] = [];
  for (const level of [...edge.keys()].sort((a, b) => b - a)) {
    const hashes = edge.get(level)!.hashes;
    if (hashes.length === 0) continue;
    let at = 0;
    for (let height = TILE_HEIGHT - 1; height >= 0; height--) {
      if (hashes.length - at >= 2 ** height) {
        subtrees.push(perfectRoot(concatBytes(...hashes.slice(at, at + 2 ** height))));
        at += 2 ** height;
      }
    }
  }
  return subtrees.length === 0 ? emptyRoot() : foldRange(subtrees);
}

/** The root hash of the tree of `size` leaves, from its right-edge tiles (`rightEdgeTileIds`). */
export function rootFromTiles(size: number, tiles: TileMap): Hash {
  return rootFromEdge(readRightEdge(size, tiles));
}

/**
 * Appends leaf hashes to the tree of `size` leaves whose right-edge tiles (`rightEdgeTileIds`)
 * are given. Returns the new size and root, and every tile whose contents changed (filled,
 * grown or new), to be upserted by (level, index) in the same transaction.
 */
export function appendLeaves(input: { size: number; rightEdgeTiles: TileMap; leafHashes: Hash[] }): {
  size: number;
  root: Hash;
  tiles: Tile[];
} {
  const edge = readRightEdge(input.size, input.rightEdgeTiles);
  const changed = new Map<string, TileId & { hashes: Hash[] }>();
  const push = (level: number, hash: Hash) => {
    // A level with no partial tile continues at tile index (level-8L hashes so far) / 256.
    let tile = edge.get(level);
    if (!tile) {
      tile = { index: hashesAtTileLevel(level, input.size) / TILE_WIDTH, hashes: [] };
      edge.set(level, tile);
    }
    tile.hashes.push(hash);
    changed.set(tileKey({ level, index: tile.index }), { level, index: tile.index, hashes: tile.hashes });
    if (tile.hashes.length === TILE_WIDTH) {
      // A full tile is final: its root is the next hash one tile level up.
      edge.set(level, { index: tile.index + 1, hashes: [] });
      push(level + 1, perfectRoot(concatBytes(...tile.hashes)));
    }
  };
  for (const hash of input.leafHashes) {
    if (hash.length !== HASH_SIZE) throw new RangeError("leaf hashes are 32 bytes");
    push(0, hash);
  }
  return {
    size: input.size + input.leafHashes.length,
    root: rootFromEdge(edge),
    tiles: [...changed.values()].map(({ level, index, hashes }) => ({ level, index, data: concatBytes(...hashes) })),
  };
}
