import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { issueConsentReceipt, type IssuedReceipt } from "@/lib/receipts/issue-consent-receipt";
import { readWithAccessLog } from "./read-with-access-log";
import type { Actor } from "@/lib/auth/actor";

/** A subject's signed receipt for one decision, downloaded by staff: an export, logged as one. */
export async function issueStaffReceipt(actor: Actor, subjectId: string, eventId: string): Promise<IssuedReceipt> {
  if (!z.uuid().safeParse(subjectId).success || !z.uuid().safeParse(eventId).success) {
    throw new AppError("not_found", "No such decision.");
  }
  return readWithAccessLog(
    actor,
    async (tx) => {
      const event = await tx.consentEvent.findUnique({ where: { id: eventId }, select: { subjectId: true } });
      if (!event || event.subjectId !== subjectId) throw new AppError("not_found", "No such decision.");
      return issueConsentReceipt(eventId, tx);
    },
    () => ({ action: "subject.export", subjectId, detail: { receipt: eventId } }),
  );
}
