import { describe, expect, it } from "vitest";
import { toHex } from "./bytes";
import {
  consistencyProofPlan,
  nodeHash,
  emptyRoot,
  type Hash,
  inclusionProofPlan,
  leafHash,
  type NodeId,
  rootHash,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from "./merkle";
import { seededRandom } from "@/lib/seeded-random";

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => parseInt(byte, 16));

// transparency-dev/merkle testonly/constants.go: the RFC 6962 reference tree of 8 leaves.
const LEAF_INPUTS = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map(hex);
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const LEAF_HASHES = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];
// transparency-dev/merkle proof/verify_test.go (leaf index there is 1-based).
const INCLUSION_VECTORS = [
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];
const CONSISTENCY_VECTORS = [
  { size1: 1, size2: 1, proof: [] },
  {
    size1: 1,
    size2: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

/** MTH(D[start:end]) from the RFC's definition, memoized so the exhaustive tests stay fast. */
function memoizedMth(leaves: Hash[]) {
  const memo = new Map<string, Hash>();
  const mth = (start: number, end: number): Hash => {
    const key = `${start}:${end}`;
    let hash = memo.get(key);
    if (!hash) {
      hash =
        end - start <= 1
          ? rootHash(leaves.slice(start, end))
          : nodeHash(mth(start, start + splitPoint(end - start)), mth(start + splitPoint(end - start), end));
      memo.set(key, hash);
    }
    return hash;
  };
  return mth;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), straight from the text. */
function referenceInclusion(mth: (start: number, end: number) => Hash, m: number, lo: number, hi: number): Hash[] {
  if (hi - lo <= 1) return [];
  const k = splitPoint(hi - lo);
  return m < lo + k
    ? [...referenceInclusion(mth, m, lo, lo + k), mth(lo + k, hi)]
    : [...referenceInclusion(mth, m, lo + k, hi), mth(lo, lo + k)];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b), straight from the text. */
function referenceSubproof(
  mth: (start: number, end: number) => Hash,
  m: number,
  lo: number,
  hi: number,
  complete: boolean,
): Hash[] {
  if (m === hi - lo) return complete ? [] : [mth(lo, hi)];
  const k = splitPoint(hi - lo);
  return m <= k
    ? [...referenceSubproof(mth, m, lo, lo + k, complete), mth(lo + k, hi)]
    : [...referenceSubproof(mth, m - k, lo + k, hi, false), mth(lo, lo + k)];
}

/** What storage would hold: a complete subtree, refusing anything past the tree's size. */
function storedNode(mth: (start: number, end: number) => Hash, size: number, { level, index }: NodeId): Hash {
  const start = index * 2 ** level;
  const end = start + 2 ** level;
  if (end > size) throw new Error(`node ${level}/${index} is not complete in a tree of ${size}`);
  return mth(start, end);
}

function randomLeaves(count: number, seed: number): Hash[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    leafHash(Uint8Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * 256))),
  );
}

const flipBit = (proof: Hash[], at: number, bit: number) =>
  proof.map((hash, i) => (i === at ? hash.map((byte, j) => (j === bit >> 3 ? byte ^ (1 << (bit & 7)) : byte)) : hash));

const hexes = (hashes: Hash[]) => hashes.map(toHex);

describe("RFC 9162 hashing against the transparency-dev/merkle reference tree", () => {
  it("hashes every leaf and every prefix root to the published values", () => {
    const leaves = LEAF_INPUTS.map(leafHash);
    expect(hexes(leaves)).toEqual(LEAF_HASHES);
    expect(toHex(emptyRoot())).toBe(ROOTS[0]);
    for (let size = 0; size <= 8; size++) expect(toHex(rootHash(leaves.slice(0, size)))).toBe(ROOTS[size]);
  });

  it("plans the published inclusion proofs and verifies them", () => {
    const leaves = LEAF_INPUTS.map(leafHash);
    const mth = memoizedMth(leaves);
    for (const { index, size, proof } of INCLUSION_VECTORS) {
      const plan = inclusionProofPlan(index, size);
      const built = plan.assemble(plan.nodes.map((node) => storedNode(mth, size, node)));
      expect(hexes(built)).toEqual(proof);
      expect(verifyInclusion({ index, size, leafHash: leaves[index]!, proof: built, root: hex(ROOTS[size]!) })).toBe(
        true,
      );
    }
  });

  it("plans the published consistency proofs and verifies them", () => {
    const leaves = LEAF_INPUTS.map(leafHash);
    const mth = memoizedMth(leaves);
    for (const { size1, size2, proof } of CONSISTENCY_VECTORS) {
      const plan = consistencyProofPlan(size1, size2);
      const built = plan.assemble(plan.nodes.map((node) => storedNode(mth, size2, node)));
      expect(hexes(built)).toEqual(proof);
      expect(
        verifyConsistency({ size1, size2, root1: hex(ROOTS[size1]!), root2: hex(ROOTS[size2]!), proof: built }),
      ).toBe(true);
    }
  });
});

describe("proof plans match the RFC's definitions on seeded random trees", () => {
  const leaves = randomLeaves(300, 12);
  const mth = memoizedMth(leaves);

  it("every inclusion proof for sizes 1..300 (every index up to size 128, sampled beyond)", () => {
    const random = seededRandom(7);
    for (let size = 1; size <= 300; size++) {
      const tree = leaves.slice(0, size);
      const root = mth(0, size);
      const indexes =
        size <= 64
          ? [...Array(size).keys()]
          : [0, size - 1, ...Array.from({ length: 8 }, () => Math.floor(random() * size))];
      for (const index of indexes) {
        const plan = inclusionProofPlan(index, size);
        const proof = plan.assemble(plan.nodes.map((node) => storedNode(mth, size, node)));
        expect(hexes(proof)).toEqual(hexes(referenceInclusion(mth, index, 0, size)));
        expect(verifyInclusion({ index, size, leafHash: tree[index]!, proof, root })).toBe(true);
      }
    }
  });

  it("every consistency proof between sizes up to 64, sampled pairs up to 300", () => {
    const random = seededRandom(8);
    const pairs: Array<[number, number]> = [];
    for (let size2 = 1; size2 <= 64; size2++) for (let size1 = 0; size1 <= size2; size1++) pairs.push([size1, size2]);
    for (let i = 0; i < 400; i++) {
      const size2 = 1 + Math.floor(random() * 300);
      pairs.push([Math.floor(random() * (size2 + 1)), size2]);
    }
    for (const [size1, size2] of pairs) {
      const plan = consistencyProofPlan(size1, size2);
      const proof = plan.assemble(plan.nodes.map((node) => storedNode(mth, size2, node)));
      const expected = size1 === 0 || size1 === size2 ? [] : referenceSubproof(mth, size1, 0, size2, true);
      expect(hexes(proof)).toEqual(hexes(expected));
      const root1 = mth(0, size1);
      const root2 = mth(0, size2);
      expect(verifyConsistency({ size1, size2, root1, root2, proof })).toBe(true);
    }
  });
});

describe("verification refuses anything but the exact proof", () => {
  const leaves = randomLeaves(140, 99);
  const mth = memoizedMth(leaves);

  it("inclusion: any flipped bit, wrong index, wrong size, extra, missing or wrong-length hash", () => {
    for (const size of [1, 2, 3, 5, 8, 13, 32, 33, 70]) {
      const root = mth(0, size);
      for (let index = 0; index < size; index++) {
        const plan = inclusionProofPlan(index, size);
        const proof = plan.assemble(plan.nodes.map((node) => storedNode(mth, size, node)));
        const leaf = leaves[index]!;
        const accepts = (changes: Partial<Parameters<typeof verifyInclusion>[0]>) =>
          verifyInclusion({ index, size, leafHash: leaf, proof, root, ...changes });
        expect(accepts({})).toBe(true);
        for (let at = 0; at < proof.length; at++) {
          for (const bit of [0, 77, 255]) expect(accepts({ proof: flipBit(proof, at, bit) })).toBe(false);
        }
        expect(accepts({ leafHash: flipBit([leaf], 0, 3)[0] })).toBe(false);
        expect(accepts({ root: flipBit([root], 0, 200)[0] })).toBe(false);
        for (const other of [index - 1, index + 1, index ^ 2, size]) {
          if (other !== index && other >= 0) expect(accepts({ index: other })).toBe(false);
        }
        for (const other of [size - 1, size + 1, size * 2, Math.floor(size / 2)]) {
          // The same proof must not place the leaf in the real tree of another size.
          if (other !== size && other > index) {
            expect(accepts({ size: other, root: mth(0, other) })).toBe(false);
          }
        }
        expect(accepts({ proof: [...proof, root] })).toBe(false);
        expect(accepts({ proof: [root, ...proof] })).toBe(false);
        if (proof.length > 0) expect(accepts({ proof: proof.slice(0, -1) })).toBe(false);
        expect(accepts({ proof: [...proof, new Uint8Array(0)] })).toBe(false);
      }
    }
  });

  it("consistency: any flipped bit, wrong sizes, swapped or wrong roots, extra or missing hashes", () => {
    for (const size2 of [2, 3, 5, 8, 13, 32, 33, 70]) {
      for (let size1 = 1; size1 < size2; size1++) {
        const plan = consistencyProofPlan(size1, size2);
        const proof = plan.assemble(plan.nodes.map((node) => storedNode(mth, size2, node)));
        const root1 = mth(0, size1);
        const root2 = mth(0, size2);
        const accepts = (changes: Partial<Parameters<typeof verifyConsistency>[0]>) =>
          verifyConsistency({ size1, size2, root1, root2, proof, ...changes });
        expect(accepts({})).toBe(true);
        for (let at = 0; at < proof.length; at++) {
          for (const bit of [0, 100, 255]) expect(accepts({ proof: flipBit(proof, at, bit) })).toBe(false);
        }
        for (const other of [size1 - 1, size1 + 1, size1 ^ 2]) {
          if (other !== size1 && other > 0 && other < size2) {
            expect(accepts({ size1: other })).toBe(false);
            expect(accepts({ size1: other, root1: mth(0, other) })).toBe(false);
          }
        }
        for (const other of [size2 - 1, size2 + 1, size2 * 2]) {
          if (other > size1) expect(accepts({ size2: other, root2: mth(0, other) })).toBe(false);
        }
        expect(accepts({ root1: root2, root2: root1 })).toBe(false);
        expect(accepts({ root1: flipBit([root1], 0, 9)[0] })).toBe(false);
        expect(accepts({ root2: flipBit([root2], 0, 9)[0] })).toBe(false);
        expect(accepts({ proof: [] })).toBe(false);
        expect(accepts({ proof: [...proof, root1] })).toBe(false);
        expect(accepts({ proof: [root2, ...proof] })).toBe(false);
        expect(accepts({ proof: proof.slice(0, -1) })).toBe(false);
      }
    }
  });

  it("equal sizes need equal roots and no proof; from the empty tree, no proof", () => {
    const root = mth(0, 5);
    const other = mth(0, 6);
    expect(verifyConsistency({ size1: 5, size2: 5, root1: root, root2: root, proof: [] })).toBe(true);
    expect(verifyConsistency({ size1: 5, size2: 5, root1: root, root2: other, proof: [] })).toBe(false);
    expect(verifyConsistency({ size1: 5, size2: 5, root1: root, root2: root, proof: [root] })).toBe(false);
    expect(verifyConsistency({ size1: 0, size2: 5, root1: emptyRoot(), root2: root, proof: [] })).toBe(true);
    expect(verifyConsistency({ size1: 0, size2: 5, root1: emptyRoot(), root2: root, proof: [root] })).toBe(false);
    expect(verifyConsistency({ size1: 6, size2: 5, root1: other, root2: root, proof: [] })).toBe(false);
    expect(verifyInclusion({ index: 0, size: 0, leafHash: root, proof: [], root })).toBe(false);
  });

  it("plans only complete subtrees and refuses impossible requests", () => {
    expect(() => inclusionProofPlan(5, 5)).toThrow(RangeError);
    expect(() => consistencyProofPlan(6, 5)).toThrow(RangeError);
    expect(() => inclusionProofPlan(-1, 5)).toThrow(RangeError);
    // Leaf 2^40 of a tree of 2^40+3 leaves: exact beyond 32-bit arithmetic.
    const plan = inclusionProofPlan(2 ** 40, 2 ** 40 + 3);
    expect(plan.nodes).toEqual([
      { level: 0, index: 2 ** 40 + 1 },
      { level: 0, index: 2 ** 40 + 2 },
      { level: 40, index: 0 },
    ]);
  });
});
