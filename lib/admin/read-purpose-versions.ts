import "server-only";
import { db, type Tx } from "@/lib/db/client";
import type { PurposeVersion } from "@/lib/generated/prisma/client";

export interface PurposeVersionRow extends PurposeVersion {
  /** People (not erased) whose current consent was given under this wording. */
  grantedNow: number;
}

/** How many people (not erased) have the purpose granted now: who a new wording affects. */
export function countPurposeGrants(purposeId: string, tx?: Tx): Promise<number> {
  return (tx ?? db()).consentState.count({ where: { purposeId, status: "granted", subject: { erasedAt: null } } });
}

/**
 * A purpose's wording history, newest first, with how many current consents were given under
 * each version (decisions recorded before versions existed count under version 1, ADR 025).
 * After a re-consent version, people move from the older rows to the new one as they agree again.
 */
export async function readPurposeVersionHistory(purposeId: string): Promise<PurposeVersionRow[]> {
  const [versions, counts] = await Promise.all([
    db().purposeVersion.findMany({ where: { purposeId }, orderBy: { version: "desc" } }),
    db().$queryRaw<Array<{ version: number; granted: number }>>`
      SELECT v.version, count(*)::int AS granted
      FROM "ConsentState" st
      JOIN "Subject" s ON s.id = st.subject_id AND s.erased_at IS NULL
      JOIN "PurposeVersion" v ON v.purpose_id = st.purpose_id
        AND (v.id = st.purpose_version_id OR (st.purpose_version_id IS NULL AND v.version = 1))
      WHERE st.purpose_id = ${purposeId}::uuid AND st.status = 'granted'
      GROUP BY v.version`,
  ]);
  return versions.map((version) => ({
    ...version,
    grantedNow: counts.find((row) => row.version === version.version)?.granted ?? 0,
  }));
}
