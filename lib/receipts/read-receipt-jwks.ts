import "server-only";
import type { JSONWebKeySet } from "jose";
import { receiptSigningKey } from "./signing-key";

/** The public keys that verify consent receipts, as a JWKS (served at /api/receipts/jwks). */
export async function readReceiptJwks(): Promise<JSONWebKeySet> {
  const { publicJwk } = await receiptSigningKey();
  return { keys: [publicJwk] };
}
