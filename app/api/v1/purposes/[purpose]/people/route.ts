import { NextResponse } from "next/server";
import { listPeopleByPurpose } from "@/lib/consent-api/list-people-by-purpose";
import { peopleByPurposeQuerySchema, purposePathSchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "consent:read", params: purposePathSchema, query: peopleByPurposeQuerySchema },
  async ({ actor, params, query }) =>
    NextResponse.json(await listPeopleByPurpose({ ...query, purpose: params.purpose }, actor), {
      headers: { "cache-control": "no-store" },
    }),
);
