import { describe, expect, it } from "vitest";
import { DecryptionError, encryptWithKey, generateDataKey } from "./aes-gcm";
import { masterKeyId, masterKeyRing, unwrapDataKey, wrapDataKey, wrappingKeyId } from "./wrapped-data-key";

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const context = "subject:1:data-key";

describe("wrapped data keys", () => {
  it("name the master key that wrapped them, and unwrap with any configured key", () => {
    const dataKey = generateDataKey();
    const underA = wrapDataKey(masterKeyRing(keyA, []), dataKey, context);
    expect(wrappingKeyId(underA)).toBe(masterKeyId(keyA));
    expect(masterKeyId(keyA)).toMatch(/^[0-9a-f]{16}$/);
    expect(masterKeyId(keyB)).not.toBe(masterKeyId(keyA));
    // During a rotation: B wraps, A still unwraps.
    const rotating = masterKeyRing(keyB, [keyA]);
    expect(unwrapDataKey(rotating, underA, context)).toEqual(dataKey);
    expect(wrappingKeyId(wrapDataKey(rotating, dataKey, context))).toBe(masterKeyId(keyB));
    // After it: A is gone.
    expect(() => unwrapDataKey(masterKeyRing(keyB, []), underA, context)).toThrow(DecryptionError);
  });

  it("read rows written before key ids by trying each configured key", () => {
    const dataKey = generateDataKey();
    const legacy = encryptWithKey(keyA, dataKey, context);
    expect(wrappingKeyId(legacy)).toBeNull();
    expect(unwrapDataKey(masterKeyRing(keyB, [keyA]), legacy, context)).toEqual(dataKey);
    expect(() => unwrapDataKey(masterKeyRing(keyB, []), legacy, context)).toThrow(DecryptionError);
    expect(() => unwrapDataKey(masterKeyRing(keyA, []), legacy, "subject:2:data-key")).toThrow(DecryptionError);
  });
});
