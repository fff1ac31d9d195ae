import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import type { Actor } from "@/lib/auth/actor";
import { readSubjectAudit } from "./read-subject-audit";

/**
 * A subject's audit trail as one document (`subject-audit@1`): state, history, chain check and
 * the Auth0 side. Logged as an export.
 */
export async function exportSubjectAudit(subjectId: string, actor: Actor) {
  await consumeRateLimit("exportsPerUser", actor.id);
  const audit = await readSubjectAudit(actor, subjectId, { purpose: "export" });
  return {
    format: "consent-portal/subject-audit@1",
    generatedAt: new Date().toISOString(),
    generatedBy: actor.id,
    subject: audit.subject,
    chain: audit.chain,
    currentState: audit.status.purposes.map((row) => ({
      purpose: row.purpose.key,
      purposeVersion: row.decidedWording?.version ?? null,
      status: row.status,
      policyVersion: row.policyVersion ? { kind: row.policyVersion.kind, version: row.policyVersion.version } : null,
      since: row.updatedAt,
      eventId: row.eventId,
    })),
    history: audit.history,
    auth0: { ledgerImplies: audit.ledgerMetadata, ...audit.auth0 },
  };
}
