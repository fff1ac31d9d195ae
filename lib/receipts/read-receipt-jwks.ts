import "server-only";
import type { JSONWebKeySet } from "jose";
import { receiptPublicJwks } from "./signing-key";

/**
 * The public keys that verify consent receipts, as a JWKS (served at /api/receipts/jwks): the
 * active key and every retired one, so a receipt verifies for as long as it exists (ADR 026).
 */
export async function readReceiptJwks(): Promise<JSONWebKeySet> {
  return { keys: await receiptPublicJwks() };
}
