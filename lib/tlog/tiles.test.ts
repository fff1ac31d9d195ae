import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/seeded-random";
import { toHex, utf8 } from "./bytes";
import {
  consistencyProofPlan,
  type Hash,
  inclusionProofPlan,
  leafHash,
  type NodeId,
  nodeHash,
  rootHash,
} from "./merkle";
import {
  appendLeaves,
  decodeEntryBundle,
  encodeEntryBundle,
  entryBundlePath,
  tileLayers,
  nodeHashesFromTiles,
  parseTilePath,
  rightEdgeTileIds,
  rootFromTiles,
  type Tile,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileKey,
  tileMap,
  tilePath,
  tilesForNodes,
  tileWidth,
} from "./tiles";

/** Every complete subtree hash of a tree, by level: the reference the tiles must agree with. */
function completeSubtrees(leaves: Hash[]): Hash[][] {
  const levels = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const next: Hash[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) next.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(next);
  }
  return levels;
}

/** Storage: one row per (level, index), upserted. */
class TileStore {
  readonly rows = new Map<string, Tile>();
  size = 0;

  append(leafHashes: Hash[]) {
    const rightEdgeTiles = new Map(
      rightEdgeTileIds(this.size).map((id) => [tileKey(id), this.rows.get(tileKey(id))!.data] as const),
    );
    const result = appendLeaves({ size: this.size, rightEdgeTiles, leafHashes });
    for (const tile of result.tiles) this.rows.set(tileKey(tile), tile);
    this.size = result.size;
    return result;
  }

  /** As a caller would: rows read from storage, keyed with tileMap. */
  read(ids: { level: number; index: number }[]) {
    return tileMap(ids.map((id) => this.rows.get(tileKey(id))!));
  }
}

function randomLeafHashes(count: number, seed: number): Hash[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => leafHash(utf8(`leaf ${i} ${random()}`)));
}

describe("tile paths (C2SP tlog-tiles)", () => {
  it("uses tiles of height 8: 256 hashes", () => {
    expect([TILE_HEIGHT, TILE_WIDTH]).toEqual([8, 256]);
  });

  it("spells indexes in x-prefixed 3-digit groups and partial tiles with .p/<width>", () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 1, index: 0, width: 17 })).toBe("tile/1/000.p/17");
    expect(tilePath({ level: 2, index: 1000, width: 1 })).toBe("tile/2/x001/000.p/1");
    expect(entryBundlePath({ index: 273, width: 112 })).toBe("tile/entries/273.p/112");
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(RangeError);
  });

  it("parses what it writes and nothing else", () => {
    expect(parseTilePath("tile/0/x001/x234/067")).toEqual({ kind: "tile", level: 0, index: 1234067, width: 256 });
    expect(parseTilePath("tile/1/000.p/17")).toEqual({ kind: "tile", level: 1, index: 0, width: 17 });
    expect(parseTilePath("tile/entries/273.p/112")).toEqual({ kind: "entries", index: 273, width: 112 });
    for (const bad of [
      "tile/0/67",
      "tile/0/x000/067",
      "tile/0/001/002",
      "tile/01/000",
      "tile/64/000",
      "tile/0/000.p/256",
      "tile/0/000.p/0",
      "tile/0/000.p/07",
    ]) {
      expect(parseTilePath(bad)).toBeNull();
    }
  });

  it("encodes entry bundles as uint16 length-prefixed entries", () => {
    const entries = [utf8(""), utf8("a"), new Uint8Array(300).fill(7)];
    const bundle = encodeEntryBundle(entries);
    expect(toHex(bundle.subarray(0, 5))).toBe("0000000161");
    expect(decodeEntryBundle(bundle)).toEqual(entries);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow("truncated");
  });
});

// Tens of thousands of SHA-256s in pure JS: seconds on a loaded 2-core machine.
describe("appending leaves to tiles", { timeout: 60_000 }, () => {
  it("stores the spec's example tree of 70,000 leaves as the spec says, with the reference root", () => {
    const leaves = randomLeafHashes(70_000, 1);
    const store = new TileStore();
    const random = seededRandom(2);
    while (store.size < leaves.length) {
      const batch = Math.min(leaves.length - store.size, 1 + Math.floor(random() * 3000));
      store.append(leaves.slice(store.size, store.size + batch));
    }
    // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile,
    // one partial level 1 tile of width 17, and one partial level 2 tile of width 1."
    const widths = [...store.rows.values()].map((tile) => `${tile.level}:${tile.data.length / 32}`);
    expect(widths.filter((w) => w === "0:256")).toHaveLength(273);
    expect(widths.filter((w) => !w.endsWith(":256")).sort()).toEqual(["0:112", "1:17", "2:1"]);
    expect(widths.filter((w) => w === "1:256")).toHaveLength(1);
    expect(rightEdgeTileIds(70_000)).toEqual([
      { level: 0, index: 273 },
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
    expect(tileWidth({ level: 1, index: 1 }, 70_000)).toBe(17);

    const levels = completeSubtrees(leaves);
    // Tile (L, N) hash i = MTH of the 256^L leaves of level-8L node N·256+i.
    for (const tile of store.rows.values()) {
      for (let i = 0; i < tile.data.length / 32; i++) {
        expect(toHex(tile.data.subarray(i * 32, i * 32 + 32))).toBe(
          toHex(levels[8 * tile.level]![tile.index * 256 + i]!),
        );
      }
    }
    expect(toHex(rootFromTiles(store.size, store.read(rightEdgeTileIds(store.size))))).toBe(toHex(rootHash(leaves)));

    // Proofs for old and new tree sizes, from tiles only.
    const nodeHash = (node: NodeId) => levels[node.level]![node.index]!;
    const proofFromTiles = (plan: { nodes: NodeId[]; assemble(h: Hash[]): Hash[] }, size: number) =>
      plan.assemble(nodeHashesFromTiles(plan.nodes, size, store.read(tilesForNodes(plan.nodes, size))));
    for (const [index, size] of [
      [0, 1],
      [255, 256],
      [256, 257],
      [65_535, 65_536],
      [65_536, 70_000],
      [69_999, 70_000],
      [12_345, 67_890],
    ] as const) {
      const plan = inclusionProofPlan(index, size);
      expect(proofFromTiles(plan, size).map(toHex)).toEqual(plan.assemble(plan.nodes.map(nodeHash)).map(toHex));
    }
    for (const [size1, size2] of [
      [1, 70_000],
      [256, 65_537],
      [65_536, 70_000],
      [3, 513],
      [69_999, 70_000],
    ] as const) {
      const plan = consistencyProofPlan(size1, size2);
      expect(proofFromTiles(plan, size2).map(toHex)).toEqual(plan.assemble(plan.nodes.map(nodeHash)).map(toHex));
    }
  }, 60_000);

  it("gives the reference root and proofs after every batch of random size, up to 3,000 leaves", () => {
    const leaves = randomLeafHashes(3000, 3);
    const levels = completeSubtrees(leaves);
    const random = seededRandom(4);
    const store = new TileStore();
    while (store.size < leaves.length) {
      const batch = Math.min(leaves.length - store.size, Math.floor(random() * 300));
      const before = store.size;
      const result = store.append(leaves.slice(store.size, store.size + batch));
      expect(toHex(result.root)).toBe(toHex(rootHash(leaves.slice(0, store.size))));
      // Only tiles that hold a new hash are written.
      const touched = new Set(result.tiles.map(tileKey));
      expect(touched.has(tileKey({ level: 0, index: Math.floor(Math.max(before, store.size - 1) / 256) }))).toBe(
        batch > 0,
      );
      for (let n = 0; n < 5 && store.size > 0; n++) {
        const size = 1 + Math.floor(random() * store.size);
        const index = Math.floor(random() * size);
        const plan = inclusionProofPlan(index, size);
        const tiles = store.read(tilesForNodes(plan.nodes, size));
        const fromTiles = nodeHashesFromTiles(plan.nodes, size, tiles);
        expect(fromTiles.map(toHex)).toEqual(plan.nodes.map((node) => toHex(levels[node.level]![node.index]!)));
      }
    }
  });

  it("answers every node inside a tile from its kept layers as from the tile itself, full or partial", () => {
    const leaves = randomLeafHashes(TILE_WIDTH * TILE_WIDTH + 100, 6);
    const levels = completeSubtrees(leaves);
    const store = new TileStore();
    // Layers kept at a smaller size (its right edge partial then) must serve later, larger trees.
    store.append(leaves.slice(0, 40_000));
    const layers = new Map([...store.rows].map(([key, tile]) => [key, tileLayers(tile.data)] as const));
    store.append(leaves.slice(40_000));
    const random = seededRandom(7);
    for (let n = 0; n < 200; n++) {
      const size = 1 + Math.floor(random() * leaves.length);
      const index = Math.floor(random() * size);
      const from = 1 + Math.floor(random() * size);
      for (const nodes of [inclusionProofPlan(index, size).nodes, consistencyProofPlan(from, size).nodes]) {
        // Up to the size they were kept at, the layers alone answer: no tile is given.
        const tiles = size <= 40_000 ? new Map<string, Uint8Array>() : store.read(tilesForNodes(nodes, size));
        const fromLayers = nodeHashesFromTiles(nodes, size, tiles, undefined, { get: (key) => layers.get(key) });
        expect(fromLayers.map(toHex)).toEqual(nodes.map((node) => toHex(levels[node.level]![node.index]!)));
      }
    }
    // A tile of 45 hashes: 22 pairs, 11 of 4, 5 of 8, 2 of 16, 1 of 32.
    const partial = tileLayers(store.rows.get(tileKey({ level: 0, index: TILE_WIDTH }))!.data.slice(0, 45 * 32));
    expect(partial.map((layer) => layer.length / 32)).toEqual([45, 22, 11, 5, 2, 1]);
    expect(toHex(partial[5]!)).toBe(toHex(levels[5]![(TILE_WIDTH * TILE_WIDTH) / 32]!));
    expect(() => tileLayers(new Uint8Array(33))).toThrow("1..256");
  });

  it("refuses a right edge that does not match the tree size, and nodes past the tree", () => {
    const store = new TileStore();
    store.append(randomLeafHashes(300, 5));
    expect(() =>
      appendLeaves({ size: 301, rightEdgeTiles: store.read([{ level: 0, index: 1 }]), leafHashes: [] }),
    ).toThrow("must hold 45 hashes");
    expect(() => rootFromTiles(300, new Map())).toThrow("tile 0/1");
    expect(() => tilesForNodes([{ level: 2, index: 75 }], 300)).toThrow(RangeError);
    expect(() => nodeHashesFromTiles([{ level: 0, index: 299 }], 300, new Map())).toThrow("missing");
  });
});
