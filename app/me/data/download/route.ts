import { NextResponse } from "next/server";
import { defineRoute } from "@/lib/http/define-route";
import { exportMyData } from "@/lib/subjects/export-my-data";
import { ensureSubject } from "@/lib/subjects/ensure-subject";

/** The signed-in person's own data, as a JSON file (GDPR Art. 20). */
export const GET = defineRoute({ role: "user" }, async ({ viewer }) => {
  const subject = await ensureSubject({ auth0UserId: viewer.userId, email: viewer.email, name: viewer.name });
  const data = await exportMyData(subject);
  return new NextResponse(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="my-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "private, no-store",
    },
  });
});
