import { sha256 } from "@noble/hashes/sha2.js";
import { equalBytes } from "./bytes";

/**
 * RFC 9162 §2.1 (= RFC 6962 §2.1) Merkle tree hashing and proofs, storage-agnostic and
 * isomorphic (the /verify page runs it in the browser). Sizes and indexes are JS numbers, so
 * this code uses arithmetic, never 32-bit bitwise operators: it is exact up to 2^53 leaves.
 */

export type Hash = Uint8Array;

export const HASH_SIZE = 32;

/** SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Hash {
  const input = new Uint8Array(1 + data.length);
  input[0] = 0x00;
  input.set(data, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Hash {
  return sha256(new Uint8Array(0));
}

/** The largest power of two strictly smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) straight from the RFC's definition: the reference the faster code is tested against. */
export function rootHash(leafHashes: Hash[]): Hash {
  if (leafHashes.length === 0) return emptyRoot();
  if (leafHashes.length === 1) return leafHashes[0]!;
  const k = splitPoint(leafHashes.length);
  return nodeHash(rootHash(leafHashes.slice(0, k)), rootHash(leafHashes.slice(k)));
}

/** The complete subtree of 2^level leaves that starts at leaf index·2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/**
 * How to build a proof from stored complete subtrees: fetch `nodes` (in this order), then
 * `assemble` their hashes into the RFC 9162 proof. A proof element that is not a complete
 * subtree (one on the tree's right border) is rebuilt from the complete subtrees under it.
 */
export interface ProofPlan {
  nodes: NodeId[];
  assemble(hashes: Hash[]): Hash[];
}

/** The leaves [start, end) of one proof element. */
interface LeafRange {
  start: number;
  end: number;
}

/**
 * The complete subtrees covering [start, end), left to right. Every range a proof uses starts at
 * a multiple of a power of two at least as large as the range, so the subtrees come out largest
 * first and MTH(range) is their hashes folded from the right.
 */
function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  while (at < end) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level += 1;
    nodes.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return nodes;
}

/** MTH of a range from the hashes of its `rangeNodes`, in order. */
export function foldRange(hashes: Hash[]): Hash {
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

function planFromRanges(ranges: LeafRange[]): ProofPlan {
  const groups = ranges.map(({ start, end }) => rangeNodes(start, end));
  return {
    nodes: groups.flat(),
    assemble(hashes) {
      if (hashes.length !== groups.reduce((sum, group) => sum + group.length, 0)) {
        throw new Error("assemble: one hash per planned node is required");
      }
      let at = 0;
      return groups.map((group) => {
        const slice = hashes.slice(at, at + group.length);
        at += group.length;
        return foldRange(slice);
      });
    },
  };
}

/** RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), as leaf ranges, deepest first. */
function inclusionRanges(m: number, lo: number, hi: number): LeafRange[] {
  if (hi - lo <= 1) return [];
  const k = splitPoint(hi - lo);
  return m < lo + k
    ? [...inclusionRanges(m, lo, lo + k), { start: lo + k, end: hi }]
    : [...inclusionRanges(m, lo + k, hi), { start: lo, end: lo + k }];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b), as leaf ranges, deepest first. */
function consistencyRanges(m: number, lo: number, hi: number, complete: boolean): LeafRange[] {
  const n = hi - lo;
  if (m === n) return complete ? [] : [{ start: lo, end: hi }];
  const k = splitPoint(n);
  return m <= k
    ? [...consistencyRanges(m, lo, lo + k, complete), { start: lo + k, end: hi }]
    : [...consistencyRanges(m - k, lo + k, hi, false), { start: lo, end: lo + k }];
}

function assertSize(name: string, value: number) {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** The plan of the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  assertSize("index", index);
  assertSize("size", size);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  return planFromRanges(inclusionRanges(index, 0, size));
}

/** The plan of the consistency proof from `size1` to `size2` leaves (empty when size1 is 0 or size2). */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  assertSize("size1", size1);
  assertSize("size2", size2);
  if (size1 > size2) throw new RangeError(`no consistency proof from ${size1} down to ${size2} leaves`);
  if (size1 === 0 || size1 === size2) return planFromRanges([]);
  return planFromRanges(consistencyRanges(size1, 0, size2, true));
}

const isLowBitSet = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const isHash = (hash: Hash) => hash.length === HASH_SIZE;
const isPowerOfTwo = (n: number) => n >= 1 && 2 ** Math.round(Math.log2(n)) === n;

/** RFC 9162 §2.1.3.2: does `proof` place `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(input: {
  index: number;
  size: number;
  leafHash: Hash;
  proof: Hash[];
  root: Hash;
}): boolean {
  const { index, size, proof, root } = input;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (!isHash(input.leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r = input.leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isLowBitSet(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isLowBitSet(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size2` leaves with `root2` an append-only extension of the
 * tree of `size1` with `root1`? Equal sizes need equal roots and an empty proof; the empty tree
 * (size1 = 0) is a prefix of every tree and needs an empty proof (C2SP tlog-witness).
 */
export function verifyConsistency(input: {
  size1: number;
  size2: number;
  root1: Hash;
  root2: Hash;
  proof: Hash[];
}): boolean {
  const { size1, size2, root1, root2, proof } = input;
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;
  if (size1 === 0) return proof.length === 0;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isLowBitSet(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isLowBitSet(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isLowBitSet(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}
