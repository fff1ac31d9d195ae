import { NextResponse } from "next/server";
import { createApiDocument } from "@/lib/consent-api/openapi-document";
import { definePublicRoute } from "@/lib/http/define-route";

// The API's description is public, like any API reference: it holds no data.
const document = createApiDocument();

export const GET = definePublicRoute({}, () =>
  Promise.resolve(NextResponse.json(document, { headers: { "cache-control": "public, max-age=300" } })),
);
