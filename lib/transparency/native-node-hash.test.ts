import { describe, expect, it } from "vitest";
import { seededRandom } from "@/lib/seeded-random";
import { toHex } from "@/lib/tlog/bytes";
import { nodeHash } from "@/lib/tlog/merkle";
import { nativeNodeHash } from "./native-node-hash";

const randomBytes = (random: () => number, length: number) =>
  Uint8Array.from({ length }, () => Math.floor(random() * 256));

describe("nativeNodeHash", () => {
  it("gives nodeHash's bytes for pairs of hashes, and for inputs of other lengths", () => {
    const random = seededRandom(45);
    for (let pair = 0; pair < 200; pair++) {
      const left = randomBytes(random, 32);
      const right = randomBytes(random, 32);
      expect(toHex(nativeNodeHash(left, right))).toBe(toHex(nodeHash(left, right)));
    }
    // Consecutive calls share one input buffer: an earlier result must not change.
    const first = nativeNodeHash(new Uint8Array(32), new Uint8Array(32).fill(1));
    const firstHex = toHex(first);
    nativeNodeHash(new Uint8Array(32).fill(2), new Uint8Array(32).fill(3));
    expect(toHex(first)).toBe(firstHex);
    const short = randomBytes(random, 5);
    expect(toHex(nativeNodeHash(short, short))).toBe(toHex(nodeHash(short, short)));
  });
});
