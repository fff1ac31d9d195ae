import { hash, randomInt } from "node:crypto";

/** What a leaf stands for, as stored in the table (0 marks an empty slot). */
const KIND_CODES = { consent_event: 1, access_log: 2, admin_change: 3 } as const;
export type LeafKindName = keyof typeof KIND_CODES;
const MATCHED = 4;

/** How a row compares with the log: its leaf is there and equal, differs, or is not there. */
export type RowMatch = "matched" | "differs" | "absent";

let leafInput = Buffer.alloc(4096);

/**
 * RFC 9162 leaf hash, SHA-256(0x00 || UTF-8 of the data), over one reused buffer, as a 32-character
 * latin1 string (one character per byte): no ArrayBuffer per hash in the verifier's hot loop.
 */
export function hashLeafData(data: string): string {
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
  if (data.length * 3 + 1 > leafInput.length) leafInput = Buffer.alloc(data.length * 3 + 1);
  leafInput[0] = 0;
  const length = leafInput.write(data, 1, "utf8");
  return hash("sha256", leafInput.subarray(0, length + 1), "binary");
}

/** Bytes 4·word … 4·word+3 of a latin1 hash string, as one big-endian word. */
function hashWord(leafHash: string, word: number): number {
  const at = word * 4;
  return (
    ((leafHash.charCodeAt(at) << 24) |
      (leafHash.charCodeAt(at + 1) << 16) |
      (leafHash.charCodeAt(at + 2) << 8) |
      leafHash.charCodeAt(at + 3)) >>>
    0
  );
}

const HEX = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) {
  HEX["0123456789abcdef".charCodeAt(digit)] = digit;
  HEX["0123456789ABCDEF".charCodeAt(digit)] = digit;
}

/** The 128 bits of a UUID's text as four words, without allocating; false when it is no UUID. */
function uuidWords(text: string, out: Uint32Array): boolean {
  if (text.length !== 36) return false;
  let word = 0;
  let nibbles = 0;
  let index = 0;
  for (let position = 0; position < 36; position += 1) {
    const code = text.charCodeAt(position);
    if (position === 8 || position === 13 || position === 18 || position === 23) {
      if (code !== 0x2d) return false;
      continue;
    }
    const value = code < 128 ? HEX[code]! : -1;
    if (value < 0) return false;
    word = (word << 4) | value;
    nibbles += 1;
    if (nibbles === 8) {
      out[index] = word >>> 0;
      index += 1;
      word = 0;
      nibbles = 0;
    }
  }
  return true;
}

/**
 * Every log leaf's row id, kind, log index and leaf hash, so the verifier can match rows read in
 * their own order (a subject's chain, an audit table's key) with leaves read in log order, without
 * a join per row (ADR 046). Open addressing over typed arrays: one JS object per leaf would cost
 * the garbage collector more than the hashing. Leaf hashes are kept to their first 128 bits: a row
 * that matches a leaf it is not the data of needs a second preimage of those 128 bits.
 * About 40 bytes per slot, at most 0.7 full: 57–114 bytes per leaf.
 */
export class LeafTable {
  private capacity = 0;
  private mask = 0;
  private ids = new Uint32Array(0);
  private hashes = new Uint32Array(0);
  private indexes = new Float64Array(0);
  private state = new Uint8Array(0);
  /** Per-run secret, so rows an insider chose the ids of cannot pile up in one run of slots. */
  private readonly seed = randomInt(2 ** 31);
  private readonly words = new Uint32Array(4);
  size = 0;

  constructor(expected = 1 << 16) {
    this.allocate(Math.max(1 << 10, 2 ** Math.ceil(Math.log2(expected / 0.7))));
  }

  /** Adds a leaf; false when the row id is no UUID or already has a leaf (the log's unique key). */
  add(rowId: string, kind: LeafKindName, logIndex: number, leafHash: string): boolean {
    if (!uuidWords(rowId, this.words)) return false;
    if ((this.size + 1) / this.capacity > 0.7) this.grow();
    const slot = this.find(this.words);
    if (this.state[slot] !== 0) return false;
    this.put(slot, this.words, KIND_CODES[kind], logIndex, leafHash);
    this.size += 1;
    return true;
  }

  /** Compares a row's expected leaf hash with its leaf's, and marks the leaf as having its row. */
  match(rowId: string, kind: LeafKindName, expected: string): RowMatch {
    if (!uuidWords(rowId, this.words)) return "absent";
    const slot = this.find(this.words);
    const state = this.state[slot]!;
    // A leaf of another kind with this id is not this row's (row ids are unique per table only).
    if (state === 0 || (state & 3) !== KIND_CODES[kind]) return "absent";
    this.state[slot] = state | MATCHED;
    const at = slot * 4;
    const hashes = this.hashes;
    return hashes[at] === hashWord(expected, 0) &&
      hashes[at + 1] === hashWord(expected, 1) &&
      hashes[at + 2] === hashWord(expected, 2) &&
      hashes[at + 3] === hashWord(expected, 3)
      ? "matched"
      : "differs";
  }

  /** Log indexes of leaves no row has matched, in log order: their rows are gone. */
  unmatchedIndexes(): number[] {
    const indexes: number[] = [];
    for (let slot = 0; slot < this.capacity; slot += 1) {
      const state = this.state[slot]!;
      if (state !== 0 && (state & MATCHED) === 0) indexes.push(this.indexes[slot]!);
    }
    return indexes.sort((a, b) => a - b);
  }

  private allocate(capacity: number) {
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.ids = new Uint32Array(capacity * 4);
    this.hashes = new Uint32Array(capacity * 4);
    this.indexes = new Float64Array(capacity);
    this.state = new Uint8Array(capacity);
  }

  /** The slot holding this id, or the empty slot where it would go (linear probing). */
  private find(words: Uint32Array): number {
    let mixed = Math.imul(words[0]! ^ this.seed, 0x9e3779b1);
    mixed = Math.imul(mixed ^ words[1]! ^ (mixed >>> 15), 0x85ebca6b);
    mixed = Math.imul(mixed ^ words[2]! ^ (mixed >>> 13), 0xc2b2ae35);
    mixed ^= words[3]! ^ (mixed >>> 16);
    const ids = this.ids;
    for (let slot = mixed & this.mask; ; slot = (slot + 1) & this.mask) {
      if (this.state[slot] === 0) return slot;
      const at = slot * 4;
      if (ids[at] === words[0] && ids[at + 1] === words[1] && ids[at + 2] === words[2] && ids[at + 3] === words[3]) {
        return slot;
      }
    }
  }

  private put(slot: number, words: Uint32Array, state: number, logIndex: number, leafHash: Uint32Array | string) {
    const at = slot * 4;
    const ids = this.ids;
    ids[at] = words[0]!;
    ids[at + 1] = words[1]!;
    ids[at + 2] = words[2]!;
    ids[at + 3] = words[3]!;
    const hashes = this.hashes;
    for (let word = 0; word < 4; word += 1) {
      hashes[at + word] = typeof leafHash === "string" ? hashWord(leafHash, word) : leafHash[word]!;
    }
    this.indexes[slot] = logIndex;
    this.state[slot] = state;
  }

  private grow() {
    const { capacity, ids, hashes, indexes, state } = this;
    this.allocate(capacity * 2);
    const words = new Uint32Array(4);
    const leafHash = new Uint32Array(4);
    for (let slot = 0; slot < capacity; slot += 1) {
      if (state[slot] === 0) continue;
      const at = slot * 4;
      words.set(ids.subarray(at, at + 4));
      leafHash.set(hashes.subarray(at, at + 4));
      this.put(this.find(words), words, state[slot]!, indexes[slot]!, leafHash);
    }
  }
}
