import "server-only";
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import type { IssuedReceipt } from "./issue-consent-receipt";

/** A signed receipt as the JSON file people and staff download, with how to verify it. */
export function receiptFileResponse(issued: IssuedReceipt, eventId: string): NextResponse {
  const file = {
    receipt: issued.receipt,
    jws: issued.jws,
    verify: {
      jwks: new URL("/api/receipts/jwks", env().APP_BASE_URL).toString(),
      how: "Verify `jws` (EdDSA/Ed25519) with the key in `jwks` whose kid matches; its payload must equal `receipt`.",
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
