import "server-only";
import type { ConsentEvent } from "@/lib/generated/prisma/client";
import type { ApiConsentEvent } from "./schemas";

/** A ledger event as the API shows it: purpose by key, the wording and policy shown with their hashes. */
export function toApiEvent(event: ConsentEvent, purposeKey: string | null): ApiConsentEvent {
  return {
    id: event.id,
    subjectId: event.subjectId,
    seq: event.seq,
    action: event.action,
    purpose: purposeKey,
    purposeVersion:
      event.purposeVersionId && event.purposeTextSha256
        ? { id: event.purposeVersionId, textSha256: event.purposeTextSha256 }
        : null,
    policyVersion:
      event.policyVersionId && event.policyTextSha256
        ? { id: event.policyVersionId, textSha256: event.policyTextSha256 }
        : null,
    method: event.method,
    actorType: event.actorType,
    clientTime: event.clientTime?.toISOString() ?? null,
    serverTime: event.serverTime.toISOString(),
    hash: event.hash,
  };
}
