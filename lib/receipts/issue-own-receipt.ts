import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { readConsentEvent } from "@/lib/ledger/read-consent-events";
import { readSubjectByAuth0UserId } from "@/lib/subjects/read-subject";
import { issueConsentReceipt, type IssuedReceipt } from "./issue-consent-receipt";

/**
 * A person's own signed receipt. Another subject's event, an erasure event, or a person with no
 * subject yet is simply not found (nothing is created by asking).
 */
export async function issueOwnReceipt(eventId: string, actor: Actor): Promise<IssuedReceipt> {
  const subject = await readSubjectByAuth0UserId(actor.id);
  const event = subject ? await readConsentEvent(eventId) : null;
  if (!subject || !event || event.subjectId !== subject.id || event.action === "erased") {
    throw new AppError("not_found", "Not found.");
  }
  return issueConsentReceipt(event.id);
}
