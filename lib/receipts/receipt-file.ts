import "server-only";
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import type { IssuedReceipt } from "./issue-consent-receipt";

/** A signed receipt as the JSON file people and staff download, with how to verify it. */
export function receiptFileResponse(issued: IssuedReceipt, eventId: string): NextResponse {
  const base = env().APP_BASE_URL;
  const file = {
    receipt: issued.receipt,
    jws: issued.jws,
    // Proof that the decision is in the witnessed transparency log (null until it is integrated).
    proof: issued.proof,
    verify: {
      jwks: new URL("/api/receipts/jwks", base).toString(),
      how:
        "Verify `jws` (EdDSA/Ed25519) with the key in `jwks` whose kid matches. Its payload holds every field of " +
        "`receipt` with the same value, plus the JWT claims `iss`, `sub`, `iat` and `jti` (the portal, the " +
        "pseudonymous subject, the decision's time and its id).",
      log: issued.proof
        ? "Drop this file on " +
          new URL("/verify", base).toString() +
          ", or run `npm run receipt:verify -- <this file> --log-key <log key> --witness-key <witness key>`."
        : "The log integrates decisions within seconds: download the receipt again for its proof of inclusion.",
    },
  };
  return new NextResponse(JSON.stringify(file, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="consent-receipt-${eventId}.json"`,
      "cache-control": "private, no-store",
    },
  });
}
