import { NextResponse } from "next/server";
import { definePublicRoute } from "@/lib/http/define-route";
import { readLogEntries } from "@/lib/transparency/read-entries";
import { entriesQuery } from "@/lib/transparency/schemas";

// The log's leaf data in log order (paged). Leaves hold no personal data (ADR 028).
export const GET = definePublicRoute({ query: entriesQuery }, async ({ query }) => {
  const entries = await readLogEntries(query.start, query.end);
  return NextResponse.json({ entries }, { headers: { "access-control-allow-origin": "*" } });
});
