import { NextResponse } from "next/server";
import { readApiReceipt } from "@/lib/consent-api/read-api-receipt";
import { receiptPathSchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute({ scope: "consent:read", params: receiptPathSchema }, async ({ actor, params }) =>
  NextResponse.json(await readApiReceipt(params, actor), { headers: { "cache-control": "no-store" } }),
);
