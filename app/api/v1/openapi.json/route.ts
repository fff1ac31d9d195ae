import { NextResponse } from "next/server";
import { createApiDocument } from "@/lib/consent-api/openapi-document";

// The API's description is public, like any API reference: it holds no data.
const document = createApiDocument();

export function GET() {
  return NextResponse.json(document, { headers: { "cache-control": "public, max-age=300" } });
}
