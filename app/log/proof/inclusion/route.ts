import { NextResponse } from "next/server";
import { definePublicRoute } from "@/lib/http/define-route";
import { toBase64 } from "@/lib/tlog/bytes";
import { readInclusionProof } from "@/lib/transparency/read-proofs";
import { inclusionProofQuery } from "@/lib/transparency/schemas";

// RFC 9162 §2.1.3 inclusion proof, hashes in base64.
export const GET = definePublicRoute({ query: inclusionProofQuery }, async ({ query }) => {
  const proof = await readInclusionProof(query.index, query.size);
  return NextResponse.json(
    { index: query.index, size: query.size, proof: proof.map(toBase64) },
    { headers: { "cache-control": "public, max-age=31536000, immutable", "access-control-allow-origin": "*" } },
  );
});
