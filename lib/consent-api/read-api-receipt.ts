import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { AppError, parseInput } from "@/lib/errors";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { receiptPathSchema, type ApiReceipt } from "./schemas";

/**
 * A decision's signed receipt, with its proof once the event is in a witnessed checkpoint: what a
 * client asks for after a write answered `proof: null`. Receipts are deterministic, so the JWS is
 * the one the write answered. Logged like every call (as an export of the person's data).
 */
export function readApiReceipt(params: { eventId: string }, actor: Actor): Promise<ApiReceipt> {
  const { eventId } = parseInput(receiptPathSchema, params);
  return readWithAccessLog(
    actor,
    async (tx) => {
      const event = await tx.consentEvent.findUnique({ where: { id: eventId }, select: { subjectId: true } });
      if (!event) throw new AppError("not_found", "No consent decision with that id.", { field: "eventId" });
      const receipt = await issueConsentReceipt(eventId, tx);
      return { subjectId: event.subjectId, receipt: { jws: receipt.jws, proof: receipt.proof } };
    },
    (result) => ({ action: "api.consent.read", subjectId: result.subjectId, detail: { receipt: eventId } }),
  ).then((result) => result.receipt);
}
