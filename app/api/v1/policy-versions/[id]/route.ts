import { NextResponse } from "next/server";
import { readApiPolicyVersion } from "@/lib/consent-api/read-api-catalog";
import { policyVersionPathSchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "consent:read", params: policyVersionPathSchema },
  async ({ actor, params }) =>
    NextResponse.json(await readApiPolicyVersion(params, actor), { headers: { "cache-control": "no-store" } }),
);
