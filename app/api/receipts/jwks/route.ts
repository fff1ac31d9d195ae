import { NextResponse } from "next/server";
import { readReceiptJwks } from "@/lib/receipts/read-receipt-jwks";

// Public keys for verifying consent receipts offline (jose: createRemoteJWKSet / createLocalJWKSet).
export async function GET() {
  return NextResponse.json(await readReceiptJwks(), {
    headers: { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" },
  });
}
