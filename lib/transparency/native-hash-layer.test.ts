import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/seeded-random";
import { toHex } from "@/lib/tlog/bytes";
import { HASH_SIZE } from "@/lib/tlog/merkle";
import { hashLayer } from "@/lib/tlog/tiles";
import { nativeHashLayer } from "./native-hash-layer";

describe("nativeHashLayer", () => {
  it("writes the same parents as hashLayer (@noble/hashes), level by level up to the root", () => {
    const random = seededRandom(45);
    for (const count of [2, 4, 64, 256]) {
      // A layer inside a larger buffer, at an offset, as a tile's subarray is.
      const backing = Uint8Array.from({ length: (count + 3) * HASH_SIZE }, () => Math.floor(random() * 256));
      const native = backing.slice().subarray(HASH_SIZE, (count + 1) * HASH_SIZE);
      const reference = backing.slice(HASH_SIZE, (count + 1) * HASH_SIZE);
      for (let width = count; width > 1; width /= 2) {
        nativeHashLayer(native, width);
        hashLayer(reference, width);
        expect(toHex(native.subarray(0, (width / 2) * HASH_SIZE))).toBe(
          toHex(reference.subarray(0, (width / 2) * HASH_SIZE)),
        );
      }
    }
  });

  it("leaves the bytes around the layer alone", () => {
    const backing = new Uint8Array(6 * HASH_SIZE).fill(7);
    nativeHashLayer(backing.subarray(HASH_SIZE, 5 * HASH_SIZE), 4);
    expect(backing.subarray(0, HASH_SIZE).every((byte) => byte === 7)).toBe(true);
    expect(backing.subarray(3 * HASH_SIZE).every((byte) => byte === 7)).toBe(true);
  });
});
