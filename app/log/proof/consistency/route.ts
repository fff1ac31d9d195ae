import { NextResponse } from "next/server";
import { definePublicRoute } from "@/lib/http/define-route";
import { toBase64 } from "@/lib/tlog/bytes";
import { readConsistencyProof } from "@/lib/transparency/read-proofs";
import { consistencyProofQuery } from "@/lib/transparency/schemas";

// RFC 9162 §2.1.4 consistency proof, hashes in base64.
export const GET = definePublicRoute({ query: consistencyProofQuery }, async ({ query }) => {
  const proof = await readConsistencyProof(query.from, query.to);
  return NextResponse.json(
    { from: query.from, to: query.to, proof: proof.map(toBase64) },
    { headers: { "cache-control": "public, max-age=31536000, immutable", "access-control-allow-origin": "*" } },
  );
});
