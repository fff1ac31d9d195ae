import { z } from "zod";
import { issueStaffReceipt } from "@/lib/compliance/issue-staff-receipt";
import { defineRoute } from "@/lib/http/define-route";
import { receiptFileResponse } from "@/lib/receipts/receipt-file";

/** A subject's signed receipt for one decision, for staff (logged as an export). */
export const GET = defineRoute(
  { role: "compliance", params: z.object({ subjectId: z.uuid(), eventId: z.uuid() }) },
  async ({ actor, params }) =>
    receiptFileResponse(await issueStaffReceipt(actor, params.subjectId, params.eventId), params.eventId),
);
