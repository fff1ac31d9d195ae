import { NextResponse } from "next/server";
import { readChangeFeed } from "@/lib/consent-api/read-change-feed";
import { changeFeedQuerySchema } from "@/lib/consent-api/schemas";
import { defineApiRoute } from "@/lib/http/define-api-route";

export const GET = defineApiRoute(
  { scope: "events:read", query: changeFeedQuerySchema },
  async ({ actor, query, request }) =>
    NextResponse.json(await readChangeFeed(query, actor, { signal: request.signal }), {
      headers: { "cache-control": "no-store" },
    }),
);
