import "server-only";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import { env } from "@/lib/env";

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte header, then the 32 bytes.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface ReceiptSigningKey {
  privateKey: KeyObject;
  /** Public JWK with `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
  publicJwk: JWK;
}

/** The Ed25519 key pair for a 32-byte seed (hex). */
async function signingKeyFromSeed(seedHex: string): Promise<ReceiptSigningKey> {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedHex, "hex")]),
    format: "der",
    type: "pkcs8",
  });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return {
    privateKey,
    publicJwk: { ...publicJwk, kid: await calculateJwkThumbprint(publicJwk), alg: "EdDSA", use: "sig" },
  };
}

let cached: Promise<ReceiptSigningKey> | undefined;

/** The configured receipt signing key (RECEIPT_SIGNING_KEY). */
export function receiptSigningKey(): Promise<ReceiptSigningKey> {
  cached ??= signingKeyFromSeed(env().RECEIPT_SIGNING_KEY);
  return cached;
}
