import "server-only";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { keyProvider } from "@/lib/keys/key-provider";
import type { PortalKeys } from "@/lib/keys/portal-keys";

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte header, then the 32 bytes.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface ReceiptSigningKey {
  privateKey: KeyObject;
  /** Public JWK with `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
  publicJwk: JWK;
}

/**
 * The published form of an Ed25519 public key. The kid is the key's RFC 7638 thumbprint: anyone
 * can recompute it, it needs no registry, and a retired key is configured by its public key alone.
 */
async function publicJwkOf(x: string): Promise<JWK> {
  const jwk: JWK = { kty: "OKP", crv: "Ed25519", x };
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: "EdDSA", use: "sig" };
}

/** The Ed25519 key pair for a 32-byte seed (hex). */
async function signingKeyFromSeed(seedHex: string): Promise<ReceiptSigningKey> {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedHex, "hex")]),
    format: "der",
    type: "pkcs8",
  });
  const { x } = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  return { privateKey, publicJwk: await publicJwkOf(x!) };
}

/** The public key (JWK `x`) of a receipt signing seed: what a rotation keeps after retiring it. */
export async function receiptPublicKey(seedHex: string): Promise<string> {
  return (await signingKeyFromSeed(seedHex)).publicJwk.x!;
}

// Built once per version of the keys: the provider returns the same object until they change.
let cached: { from: PortalKeys; keys: Promise<{ active: ReceiptSigningKey; retired: JWK[] }> } | undefined;

function receiptKeys() {
  const current = keyProvider().read();
  if (cached?.from !== current) {
    cached = {
      from: current,
      keys: (async () => ({
        active: await signingKeyFromSeed(current.RECEIPT_SIGNING_KEY),
        retired: await Promise.all(current.RECEIPT_RETIRED_PUBLIC_KEYS.map(publicJwkOf)),
      }))(),
    };
  }
  return cached.keys;
}

/** The key that signs new receipts (RECEIPT_SIGNING_KEY). */
export async function receiptSigningKey(): Promise<ReceiptSigningKey> {
  return (await receiptKeys()).active;
}

/** Every public key a receipt may have been signed with: the active one first, then retired ones. */
export async function receiptPublicJwks(): Promise<JWK[]> {
  const { active, retired } = await receiptKeys();
  const seen = new Set<string>();
  return [active.publicJwk, ...retired].filter((jwk) => !seen.has(jwk.kid!) && seen.add(jwk.kid!));
}
