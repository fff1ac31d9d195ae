import { randomInt } from "node:crypto";

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

const LOAD = 0.7;

/**
 * Row ids (UUIDs) numbered 0, 1, 2… in the order they were added, so the verifier keeps a value
 * per row of millions in typed arrays indexed by that number (`LeafTable`, `SubjectTable`), where
 * one JS object per row would cost the garbage collector more than the hashing (ADR 046).
 * Open addressing with linear probing over the ids' 128 bits, mixed with a per-run secret so that
 * rows an insider chose the ids of cannot pile up in one run of slots. Subclasses keep their
 * values in arrays of `capacity` entries: made in their constructor, grown in `resize`.
 */
export abstract class UuidIndex {
  /** Entry + 1 per slot; 0 marks an empty slot. */
  private slots = new Int32Array(0);
  private mask = 0;
  private ids = new Uint32Array(0);
  private readonly seed = randomInt(2 ** 31);
  private readonly words = new Uint32Array(4);
  /** Entries the arrays hold before they grow. */
  protected capacity = 0;
  size = 0;

  constructor(expected: number) {
    this.allocate(Math.max(1 << 10, 2 ** Math.ceil(Math.log2(expected / LOAD))));
  }

  /** Grows the subclass's arrays to `capacity` entries, keeping the first `size`. */
  protected abstract resize(capacity: number): void;

  /** A new entry for the id; -1 when the text is no UUID or the id has an entry already. */
  protected insert(id: string): number {
    if (!uuidWords(id, this.words)) return -1;
    if (this.size === this.capacity) {
      this.allocate(this.slots.length * 2);
      this.resize(this.capacity);
    }
    const slot = this.find(this.words);
    if (this.slots[slot] !== 0) return -1;
    const entry = this.size;
    this.ids.set(this.words, entry * 4);
    this.slots[slot] = entry + 1;
    this.size += 1;
    return entry;
  }

  /** The id's entry, or -1. */
  protected entryOf(id: string): number {
    if (!uuidWords(id, this.words)) return -1;
    return this.slots[this.find(this.words)]! - 1;
  }

  /** The entry's id, as lower-case UUID text. */
  protected idOf(entry: number): string {
    let hex = "";
    for (let word = 0; word < 4; word += 1) hex += this.ids[entry * 4 + word]!.toString(16).padStart(8, "0");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The slot holding these words, or the empty slot where they would go. */
  private find(words: Uint32Array): number {
    let mixed = Math.imul(words[0]! ^ this.seed, 0x9e3779b1);
    mixed = Math.imul(mixed ^ words[1]! ^ (mixed >>> 15), 0x85ebca6b);
    mixed = Math.imul(mixed ^ words[2]! ^ (mixed >>> 13), 0xc2b2ae35);
    mixed ^= words[3]! ^ (mixed >>> 16);
    const { slots, ids } = this;
    for (let slot = mixed & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = slots[slot]! - 1;
      if (entry < 0) return slot;
      const at = entry * 4;
      if (ids[at] === words[0] && ids[at + 1] === words[1] && ids[at + 2] === words[2] && ids[at + 3] === words[3]) {
        return slot;
      }
    }
  }

  /** Sizes the slots (a power of two) and the entries' arrays, and places the entries again. */
  private allocate(slotCount: number) {
    this.slots = new Int32Array(slotCount);
    this.mask = slotCount - 1;
    this.capacity = Math.floor(slotCount * LOAD);
    const ids = new Uint32Array(this.capacity * 4);
    ids.set(this.ids.subarray(0, this.size * 4));
    this.ids = ids;
    const words = new Uint32Array(4);
    for (let entry = 0; entry < this.size; entry += 1) {
      words.set(ids.subarray(entry * 4, entry * 4 + 4));
      this.slots[this.find(words)] = entry + 1;
    }
  }
}

/** A typed array of `length` elements holding `array`'s first elements. */
export function grown<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(array: T, length: number): T {
  const larger = new (array.constructor as new (length: number) => T)(length);
  larger.set(array.subarray(0, Math.min(array.length, length)));
  return larger;
}
