import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { AppError, parseInput } from "@/lib/errors";
import { personNotFound, personSubjectSql } from "./resolve-person";
import { personConsentQuerySchema, type PersonConsent } from "./schemas";

/** The person (`subjectId`, `erasedAt`) on every row; the purpose columns are null when no purpose matched. */
interface PurposeRow {
  subjectId: string;
  erasedAt: Date | null;
  key: string | null;
  required: boolean | null;
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
 * One person's current consent, every offered purpose or one (ADR 033): the person and their
 * purposes from the ConsentState projection in one statement, then the access-log row in one
 * more, committed before the answer is returned (ADR 045). Built to be called before every
 * email (bench: `api-consent-read`).
 */
export async function readPersonConsent(
  query: { subjectId?: string; auth0UserId?: string; externalId?: string; purpose?: string },
  actor: Actor,
): Promise<PersonConsent> {
  const request = parseInput(personConsentQuerySchema, query);
  const { purpose, ...person } = request;
  return readWithAccessLog(
    actor,
    async (client) => {
      const rows = await client.$queryRaw<PurposeRow[]>`
        WITH subject AS (${personSubjectSql(person, actor)})
        SELECT s.id::text AS "subjectId", s.erased_at AS "erasedAt", x.key, x.required, x.status, x."updatedAt",
          x."eventId", x."policyId", x."policyVersion", x."policySha256", x."wordingId", x."wordingVersion",
          x."wordingSha256"
        FROM subject s LEFT JOIN LATERAL (
          SELECT p.key, p.required, p.position, cs.status::text AS status, cs.updated_at AS "updatedAt",
            cs.event_id AS "eventId", pol.id AS "policyId", pol.version AS "policyVersion",
            pol.text_sha256 AS "policySha256", pv.id AS "wordingId", pv.version AS "wordingVersion",
            pv.text_sha256 AS "wordingSha256"
          FROM "Purpose" p
          LEFT JOIN "ConsentState" cs ON cs.purpose_id = p.id AND cs.subject_id = s.id
          LEFT JOIN "PolicyVersion" pol ON pol.id = cs.policy_version_id
          LEFT JOIN "PurposeVersion" pv ON pv.id = cs.purpose_version_id
          WHERE p.retired_at IS NULL AND (${purpose ?? null}::text IS NULL OR p.key = ${purpose ?? null})
        ) x ON true
        ORDER BY x.required DESC, x.position, x.key`;
      const subject = rows[0];
      if (!subject) throw personNotFound(person);
      if (subject.erasedAt) throw new AppError("subject_erased", "This person's data was erased.");
      const offered = rows.filter((row) => row.key !== null);
      if (purpose && offered.length === 0) throw new AppError("not_found", "No such purpose.", { field: "purpose" });
      return {
        subjectId: subject.subjectId,
        purposes: offered.map((row) => ({
          purpose: row.key!,
          required: row.required!,
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
    { oneStatement: true },
  );
}
