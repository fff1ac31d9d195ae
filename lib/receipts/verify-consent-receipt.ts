import "server-only";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { ConsentReceipt } from "./consent-receipt";
import { RECEIPT_JWS_TYPE } from "./issue-consent-receipt";
import { readReceiptJwks } from "./read-receipt-jwks";

/**
 * Checks a receipt's signature against our own JWKS (e.g. for a "verify a receipt" page), with
 * the key its header names: receipts signed before a rotation verify with their retired key.
 */
export async function verifyConsentReceipt(jws: string): Promise<ConsentReceipt> {
  try {
    const { kid } = decodeProtectedHeader(jws);
    const jwk = (await readReceiptJwks()).keys.find((key) => key.kid === kid);
    if (!kid || !jwk) throw new Error(`No published receipt key has kid ${String(kid)}`);
    const { payload } = await jwtVerify(jws, await importJWK(jwk, "EdDSA"), {
      issuer: env().APP_BASE_URL,
      algorithms: ["EdDSA"],
      typ: RECEIPT_JWS_TYPE,
    });
    return payload as unknown as ConsentReceipt;
  } catch (error) {
    throw new AppError("validation_failed", "This receipt's signature does not verify.", {
      field: "receipt",
      cause: error,
    });
  }
}
