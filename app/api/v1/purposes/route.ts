import { NextResponse } from "next/server";
import { listApiPurposes } from "@/lib/consent-api/read-api-catalog";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute({ scope: "consent:read" }, async ({ actor }) =>
  NextResponse.json(await listApiPurposes(actor), { headers: { "cache-control": "no-store" } }),
);
