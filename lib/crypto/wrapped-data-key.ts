import { createHash } from "node:crypto";
import { decryptWithKey, DecryptionError, encryptWithKey } from "./aes-gcm";

// A subject's data key wrapped by a master key. Layout: 0x02 | master key id (8 bytes) | the
// AES-256-GCM sealed key (aes-gcm.ts layout). Rows from before key rotation are the sealed key
// alone (first byte 0x01) and carry no id: they are tried against every configured master key.
// The id tells a reader which key to use and `npm run keys:rewrap` which rows still need work.
const WITH_KEY_ID = 2;
const KEY_ID_BYTES = 8;

/** The master keys: `current` wraps, all of them unwrap (during a rotation, ADR 026). */
export interface MasterKeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

/** A master key's id: a hash of the key, so it needs no registry and reveals nothing. */
export function masterKeyId(key: Buffer): string {
  return createHash("sha256").update("consent-portal:ledger-master-key-id:").update(key).digest("hex").slice(0, 16);
}

export function masterKeyRing(current: Buffer, previous: readonly Buffer[]): MasterKeyRing {
  const byId = new Map([current, ...previous].map((key) => [masterKeyId(key), key]));
  return { current: { id: masterKeyId(current), key: current }, byId };
}

/** The id of the master key that wrapped this blob, or null for a row written before ids. */
export function wrappingKeyId(wrapped: Uint8Array): string | null {
  return wrapped[0] === WITH_KEY_ID ? Buffer.from(wrapped.subarray(1, 1 + KEY_ID_BYTES)).toString("hex") : null;
}

export function wrapDataKey(ring: MasterKeyRing, dataKey: Buffer, context: string): Buffer {
  return Buffer.concat([
    Buffer.from([WITH_KEY_ID]),
    Buffer.from(ring.current.id, "hex"),
    encryptWithKey(ring.current.key, dataKey, context),
  ]);
}

export function unwrapDataKey(ring: MasterKeyRing, wrapped: Uint8Array, context: string): Buffer {
  const id = wrappingKeyId(wrapped);
  if (id !== null) {
    const key = ring.byId.get(id);
    if (!key) throw new DecryptionError(`Wrapped by master key ${id}, which is not configured`);
    return decryptWithKey(key, wrapped.subarray(1 + KEY_ID_BYTES), context);
  }
  for (const key of ring.byId.values()) {
    try {
      return decryptWithKey(key, wrapped, context);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
    }
  }
  throw new DecryptionError();
}
