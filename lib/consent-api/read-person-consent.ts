import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { AppError, parseInput } from "@/lib/errors";
import { findPerson } from "./resolve-person";
import { personConsentQuerySchema, type PersonConsent } from "./schemas";

interface PurposeRow {
  key: string;
  required: boolean;
  status: "granted" | "withdrawn" | "pending" | null;
  updatedAt: Date | null;
  eventId: string | null;
  policyId: string | null;
  policyVersion: string | null;
  policySha256: string | null;
  wordingId: string | null;
  wordingVersion: number | null;
  wordingSha256: string | null;
}

/**
 * One person's current consent, every offered purpose or one (ADR 033): read from the
 * ConsentState projection in one statement, logged in the read's transaction. Built to be called
 * before every email (bench: `api-consent-read`).
 */
export async function readPersonConsent(
  query: { subjectId?: string; auth0UserId?: string; externalId?: string; purpose?: string },
  actor: Actor,
): Promise<PersonConsent> {
  const request = parseInput(personConsentQuerySchema, query);
  const { purpose, ...person } = request;
  return readWithAccessLog(
    actor,
    async (tx) => {
      const subject = await findPerson(person, actor, tx);
      if (subject.erasedAt) throw new AppError("subject_erased", "This person's data was erased.");
      const rows = await tx.$queryRaw<PurposeRow[]>`
        SELECT p.key, p.required, cs.status::text AS status, cs.updated_at AS "updatedAt", cs.event_id AS "eventId",
          pol.id AS "policyId", pol.version AS "policyVersion", pol.text_sha256 AS "policySha256",
          pv.id AS "wordingId", pv.version AS "wordingVersion", pv.text_sha256 AS "wordingSha256"
        FROM "Purpose" p
        LEFT JOIN "ConsentState" cs ON cs.purpose_id = p.id AND cs.subject_id = ${subject.id}::uuid
        LEFT JOIN "PolicyVersion" pol ON pol.id = cs.policy_version_id
        LEFT JOIN "PurposeVersion" pv ON pv.id = cs.purpose_version_id
        WHERE p.retired_at IS NULL AND (${purpose ?? null}::text IS NULL OR p.key = ${purpose ?? null})
        ORDER BY p.required DESC, p.position, p.key`;
      if (purpose && rows.length === 0) throw new AppError("not_found", "No such purpose.", { field: "purpose" });
      return {
        subjectId: subject.id,
        purposes: rows.map((row) => ({
          purpose: row.key,
          required: row.required,
          status: row.status ?? "never",
          updatedAt: row.updatedAt?.toISOString() ?? null,
          eventId: row.eventId,
          policyVersion:
            row.policyId && row.policyVersion && row.policySha256
              ? { id: row.policyId, version: row.policyVersion, textSha256: row.policySha256 }
              : null,
          purposeVersion:
            row.wordingId && row.wordingVersion !== null && row.wordingSha256
              ? { id: row.wordingId, version: row.wordingVersion, textSha256: row.wordingSha256 }
              : null,
        })),
      };
    },
    (result) => ({ action: "api.consent.read", subjectId: result.subjectId, detail: purpose ? { purpose } : null }),
  );
}
