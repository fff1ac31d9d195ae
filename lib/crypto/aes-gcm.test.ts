import { describe, expect, it } from "vitest";
import { decryptWithKey, DecryptionError, encryptWithKey, generateDataKey } from "./aes-gcm";
import { computeEmailBlindIndex, normalizeEmail } from "./blind-index";

describe("AES-256-GCM", () => {
  const key = generateDataKey();
  const plaintext = Buffer.from('{"email":"jane.doe@example.com"}');

  it("round-trips, with a fresh IV each time", () => {
    const sealed = encryptWithKey(key, plaintext, "subject:1:profile");
    expect(decryptWithKey(key, sealed, "subject:1:profile")).toEqual(plaintext);
    expect(encryptWithKey(key, plaintext, "subject:1:profile")).not.toEqual(sealed);
    expect(sealed.includes(plaintext)).toBe(false);
  });

  it("refuses another key, another context (AAD) and any flipped bit", () => {
    const sealed = encryptWithKey(key, plaintext, "subject:1:profile");
    expect(() => decryptWithKey(generateDataKey(), sealed, "subject:1:profile")).toThrow(DecryptionError);
    expect(() => decryptWithKey(key, sealed, "subject:2:profile")).toThrow(DecryptionError);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => decryptWithKey(key, flipped, "subject:1:profile")).toThrow(DecryptionError);
    expect(() => decryptWithKey(key, sealed.subarray(0, 10), "subject:1:profile")).toThrow(DecryptionError);
  });
});

describe("email blind index", () => {
  const key = Buffer.alloc(32, 7);

  it("matches regardless of case and surrounding spaces, and needs the key", () => {
    expect(normalizeEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    const index = computeEmailBlindIndex(key, "Jane.Doe@Example.com");
    expect(computeEmailBlindIndex(key, " jane.doe@example.com")).toBe(index);
    expect(computeEmailBlindIndex(Buffer.alloc(32, 8), "jane.doe@example.com")).not.toBe(index);
    expect(computeEmailBlindIndex(key, "jane.doe@example.org")).not.toBe(index);
  });
});
