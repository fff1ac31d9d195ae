import "server-only";
import { readConsentHistory } from "@/lib/consent/read-consent-history";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import type { SubjectView } from "./subject-profile";

/**
 * Everything the portal and Auth0 hold about one person, as one JSON document (GDPR Art. 20).
 * The Auth0 record is read through the Management API; if Auth0 is unreachable the export says
 * so instead of failing, since the ledger part is ours to give.
 */
export async function exportMyData(subject: SubjectView) {
  const [status, history] = await Promise.all([
    readConsentStatus(subject.id),
    readConsentHistory(subject.id, { limit: 10_000 }),
  ]);
  if (!status) throw new AppError("not_found", "No such person.");
  let auth0User: unknown = null;
  let auth0Error: string | null = null;
  if (subject.auth0UserId) {
    try {
      auth0User = await auth0().getUser(subject.auth0UserId);
      if (!auth0User) auth0Error = "Auth0 holds no account for you.";
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "data export: Auth0 read failed");
      auth0Error = "Auth0 could not be reached; try again later for that part.";
    }
  }
  return {
    format: "consent-portal/my-data@1",
    generatedAt: new Date().toISOString(),
    subject: { id: subject.id, email: subject.email, name: subject.name, createdAt: subject.createdAt },
    consents: status.purposes.map((row) => ({
      purpose: row.purpose.key,
      // The wording the current decision was made under (ADR 025); the current one if none yet.
      title: (row.decidedWording ?? row.wording).title,
      description: (row.decidedWording ?? row.wording).description,
      purposeVersion: row.decidedWording?.version ?? null,
      status: row.status,
      policyVersion: row.policyVersion ? { kind: row.policyVersion.kind, version: row.policyVersion.version } : null,
      since: row.updatedAt,
      eventId: row.eventId,
    })),
    history: history.map((event) => ({
      id: event.id,
      seq: event.seq,
      action: event.action,
      purpose: event.purposeKey,
      purposeWording: event.purposeVersion
        ? { version: event.purposeVersion, title: event.purposeTitle, description: event.purposeDescription }
        : null,
      purposeTextSha256: event.purposeTextSha256,
      policy: event.policyKind ? { kind: event.policyKind, version: event.policyVersionLabel } : null,
      policyTextSha256: event.policyTextSha256,
      method: event.method,
      actor: { type: event.actorType, reason: event.actorReason },
      serverTime: event.serverTime,
      clientTime: event.clientTime,
      ipTruncated: event.ipTruncated,
      hash: event.hash,
      receipt: event.action === "erased" ? null : `/me/receipts/${event.id}`,
    })),
    auth0: auth0User,
    ...(auth0Error ? { auth0Error } : {}),
  };
}
