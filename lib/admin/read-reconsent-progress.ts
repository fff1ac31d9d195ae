import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { PolicyVersion } from "@/lib/generated/prisma/client";

export interface ReconsentProgress {
  version: Pick<PolicyVersion, "id" | "kind" | "version" | "title" | "publishedAt" | "requiresReconsent">;
  /** People who had agreed under an earlier version when this one was published (and are not erased). */
  affected: number;
  /** …who have since agreed under this version (or a later one). */
  accepted: number;
  /** …who still hold consent under an earlier version: the gate will ask them at their next visit. */
  pending: number;
  /** …who no longer consent to any purpose of the document (declined at the gate, withdrew). */
  declined: number;
}

/**
 * How far re-consent to a version has come. The population is everyone who had been granted a
 * purpose governed by the document under an earlier version before it was published; people who
 * signed up afterwards never needed to re-consent and are not counted. Retired purposes are
 * ignored, like the gate ignores them.
 */
export async function readReconsentProgress(versionId: string): Promise<ReconsentProgress | null> {
  if (!z.uuid().safeParse(versionId).success) return null;
  const version = await db().policyVersion.findUnique({
    where: { id: versionId },
    select: { id: true, kind: true, version: true, title: true, publishedAt: true, requiresReconsent: true },
  });
  if (!version) return null;
  const [counts] = await db().$queryRaw<Array<{ accepted: number; pending: number; declined: number }>>`
    WITH earlier AS (
      SELECT id FROM "PolicyVersion" WHERE kind = ${version.kind}::"PolicyKind" AND published_at < ${version.publishedAt}
    ), document_purposes AS (
      SELECT id FROM "Purpose" WHERE policy_kind = ${version.kind}::"PolicyKind" AND retired_at IS NULL
    ), affected AS (
      SELECT DISTINCT e.subject_id FROM "ConsentEvent" e
      JOIN "Subject" s ON s.id = e.subject_id AND s.erased_at IS NULL
      WHERE e.action = 'granted' AND e.server_time < ${version.publishedAt}
        AND e.purpose_id IN (SELECT id FROM document_purposes)
        AND e.policy_version_id IN (SELECT id FROM earlier)
    ), per_subject AS (
      SELECT a.subject_id,
        coalesce(bool_or(st.status = 'granted' AND st.policy_version_id IN (SELECT id FROM earlier)), false) AS pending,
        coalesce(bool_or(st.status = 'granted' AND st.policy_version_id NOT IN (SELECT id FROM earlier)), false) AS renewed
      FROM affected a
      LEFT JOIN "ConsentState" st ON st.subject_id = a.subject_id AND st.purpose_id IN (SELECT id FROM document_purposes)
      GROUP BY a.subject_id
    )
    SELECT count(*) FILTER (WHERE NOT pending AND renewed)::int AS accepted,
           count(*) FILTER (WHERE pending)::int AS pending,
           count(*) FILTER (WHERE NOT pending AND NOT renewed)::int AS declined
    FROM per_subject`;
  const accepted = counts?.accepted ?? 0;
  const pending = counts?.pending ?? 0;
  const declined = counts?.declined ?? 0;
  return { version, affected: accepted + pending + declined, accepted, pending, declined };
}

/** Progress of the newest version that requires re-consent, for the dashboard. */
export async function readLatestReconsentProgress(): Promise<ReconsentProgress | null> {
  const latest = await db().policyVersion.findFirst({
    where: { requiresReconsent: true },
    orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return latest ? readReconsentProgress(latest.id) : null;
}
