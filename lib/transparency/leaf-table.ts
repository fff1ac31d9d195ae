import { hash } from "node:crypto";
import { grown, UuidIndex } from "@/lib/ledger/uuid-index";

/** What a leaf stands for, as stored in the table. */
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

/**
 * Every log leaf's row id, kind, log index and leaf hash, so the verifier can match rows read in
 * their own order (a subject's chain, an audit table's key) with leaves read in log order, without
 * a join per row (ADR 046), in typed arrays beside a `UuidIndex`. Leaf hashes are kept to their
 * first 128 bits: a row that matches a leaf it is not the data of needs a second preimage of
 * those 128 bits. About 47 bytes per leaf, up to twice that just after the arrays grew.
 */
export class LeafTable extends UuidIndex {
  private hashes: Uint32Array;
  private indexes: Float64Array;
  private state: Uint8Array;

  constructor(expected = 1 << 16) {
    super(expected);
    this.hashes = new Uint32Array(this.capacity * 4);
    this.indexes = new Float64Array(this.capacity);
    this.state = new Uint8Array(this.capacity);
  }

  /** Adds a leaf; false when the row id is no UUID or already has a leaf (the log's unique key). */
  add(rowId: string, kind: LeafKindName, logIndex: number, leafHash: string): boolean {
    const entry = this.insert(rowId);
    if (entry < 0) return false;
    const at = entry * 4;
    for (let word = 0; word < 4; word += 1) this.hashes[at + word] = hashWord(leafHash, word);
    this.indexes[entry] = logIndex;
    this.state[entry] = KIND_CODES[kind];
    return true;
  }

  /** Compares a row's expected leaf hash with its leaf's, and marks the leaf as having its row. */
  match(rowId: string, kind: LeafKindName, expected: string): RowMatch {
    const entry = this.entryOf(rowId);
    if (entry < 0) return "absent";
    const state = this.state[entry]!;
    // A leaf of another kind with this id is not this row's (row ids are unique per table only).
    if ((state & 3) !== KIND_CODES[kind]) return "absent";
    this.state[entry] = state | MATCHED;
    const at = entry * 4;
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
    for (let entry = 0; entry < this.size; entry += 1) {
      if ((this.state[entry]! & MATCHED) === 0) indexes.push(this.indexes[entry]!);
    }
    return indexes.sort((a, b) => a - b);
  }

  protected resize(capacity: number) {
    this.hashes = grown(this.hashes, capacity * 4);
    this.indexes = grown(this.indexes, capacity);
    this.state = grown(this.state, capacity);
  }
}
