import { NextResponse } from "next/server";
import { exportQueryString, exportRequestSchema } from "@/lib/exports/schemas";
import { startLedgerDownload } from "@/lib/exports/start-ledger-download";
import { defineRoute } from "@/lib/http/define-route";
import { fieldIssues } from "@/lib/http/validation";
import { downloadResponse } from "@/lib/http/download-response";

/**
 * GET /admin/exports/download?dataset=&format=&purpose=&state=&version=&from=&to= — the export
 * form submits here. Streams the file; an export too large to download at once, or a bad
 * filter, sends the admin back to the form with the reason.
 */
export const GET = defineRoute({ role: "admin" }, async ({ actor, request }) => {
  const back = new URL("/admin/exports", request.url);
  back.search = request.nextUrl.search;
  const parsed = exportRequestSchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) {
    const issue = fieldIssues(parsed.error)[0]!;
    back.searchParams.set("invalid", `${issue.field}: ${issue.reason}`);
    return NextResponse.redirect(back, 303);
  }
  const result = await startLedgerDownload(parsed.data, actor);
  if (result.kind === "job_required") {
    back.search = exportQueryString(parsed.data);
    back.searchParams.set("large", String(result.rows));
    return NextResponse.redirect(back, 303);
  }
  return downloadResponse(result);
});
