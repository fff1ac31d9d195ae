import { z } from "zod";
import { defineRoute } from "@/lib/http/define-route";
import { issueOwnReceipt } from "@/lib/receipts/issue-own-receipt";
import { receiptFileResponse } from "@/lib/receipts/receipt-file";

/** A person's own signed receipt, as a JSON file. Another subject's event is simply not found. */
export const GET = defineRoute({ role: "user", params: z.object({ eventId: z.uuid() }) }, async ({ actor, params }) =>
  receiptFileResponse(await issueOwnReceipt(params.eventId, actor), params.eventId),
);
