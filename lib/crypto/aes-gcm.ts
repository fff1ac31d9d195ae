import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Sealed layout: version (1 byte) | IV (12) | GCM tag (16) | ciphertext. The version byte lets a
// later format coexist with rows written today.
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class DecryptionError extends Error {
  constructor(message = "Ciphertext cannot be decrypted: wrong key, wrong context or tampered data") {
    super(message);
    this.name = "DecryptionError";
  }
}

/** A fresh random AES-256 key. */
export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * AES-256-GCM. `context` is bound as additional authenticated data, so a ciphertext copied
 * onto another row (another subject) fails to decrypt instead of revealing someone's data.
 */
export function encryptWithKey(key: Buffer, plaintext: Buffer, context: string): Buffer {
  if (key.length !== KEY_BYTES) throw new Error("AES-256-GCM needs a 32-byte key");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

export function decryptWithKey(key: Buffer, sealed: Uint8Array, context: string): Buffer {
  const data = Buffer.from(sealed);
  if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT_VERSION)
    throw new DecryptionError("Unknown ciphertext format");
  const iv = data.subarray(1, 1 + IV_BYTES);
  const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}
