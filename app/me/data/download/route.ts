import { NextResponse } from "next/server";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/define-route";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { exportMyData } from "@/lib/subjects/export-my-data";
import { readSubjectByAuth0UserId } from "@/lib/subjects/read-subject";

/** The signed-in person's own data, as a JSON file (GDPR Art. 20). A download creates nothing. */
export const GET = defineRoute({ role: "user" }, async ({ actor }) => {
  await consumeRateLimit("exportsPerUser", actor.id);
  const subject = await readSubjectByAuth0UserId(actor.id);
  if (!subject) throw new AppError("not_found", "We hold no data about you yet.");
  const data = await exportMyData(subject);
  return new NextResponse(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="my-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "private, no-store",
    },
  });
});
