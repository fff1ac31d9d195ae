import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { AppError, parseInput } from "@/lib/errors";
import { peopleByPurposeQuerySchema, purposePathSchema, type PeopleByPurpose } from "./schemas";

interface Row {
  subjectId: string;
  auth0UserId: string | null;
  externalId: string | null;
  status: "granted" | "withdrawn" | "pending";
  updatedAt: Date;
  eventId: string;
  policyVersionId: string | null;
}

/**
 * Everyone whose consent to a purpose is `granted` (or `withdrawn`), in subject-id order, a keyset
 * page at a time over the (purpose_id, status, subject_id) index (ADR 033): a page costs the same
 * at any depth. Each person with the client's own external id, if it linked one.
 */
export async function listPeopleByPurpose(
  input: { purpose: string; status?: string; after?: string; limit?: number | string },
  actor: Actor,
): Promise<PeopleByPurpose> {
  const { purpose } = parseInput(purposePathSchema, { purpose: input.purpose });
  const { status, after, limit } = parseInput(peopleByPurposeQuerySchema, {
    status: input.status,
    after: input.after,
    limit: input.limit,
  });
  return readWithAccessLog(
    actor,
    async (tx) => {
      const row = await tx.purpose.findUnique({ where: { key: purpose }, select: { id: true } });
      if (!row) throw new AppError("not_found", "No such purpose.", { field: "purpose" });
      const rows = await tx.$queryRaw<Row[]>`
        SELECT cs.subject_id AS "subjectId", s.auth0_user_id AS "auth0UserId", x.external_id AS "externalId",
          cs.status::text AS status, cs.updated_at AS "updatedAt", cs.event_id AS "eventId",
          cs.policy_version_id AS "policyVersionId"
        FROM "ConsentState" cs
        JOIN "Subject" s ON s.id = cs.subject_id
        LEFT JOIN "ApiExternalId" x ON x.subject_id = cs.subject_id AND x.client_id = ${actor.id}
        WHERE cs.purpose_id = ${row.id}::uuid AND cs.status = ${status}::"ConsentStatus"
          AND (${after ?? null}::uuid IS NULL OR cs.subject_id > ${after ?? null}::uuid)
        ORDER BY cs.subject_id
        LIMIT ${limit + 1}`;
      const page = rows.slice(0, limit);
      return {
        items: page.map((item) => ({ ...item, updatedAt: item.updatedAt.toISOString() })),
        nextCursor: rows.length > limit ? page.at(-1)!.subjectId : null,
      };
    },
    (result) => ({ action: "api.consent.list", detail: { purpose, status, count: result.items.length } }),
  );
}
