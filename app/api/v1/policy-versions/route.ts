import { NextResponse } from "next/server";
import { listApiPolicyVersions } from "@/lib/consent-api/read-api-catalog";
import { policyVersionsQuerySchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "consent:read", query: policyVersionsQuerySchema },
  async ({ actor, query }) =>
    NextResponse.json(await listApiPolicyVersions(query, actor), { headers: { "cache-control": "no-store" } }),
);
