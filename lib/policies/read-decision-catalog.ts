import "server-only";
import type { Tx } from "@/lib/db/client";
import type { PolicyVersion, Purpose, PurposeVersion } from "@/lib/generated/prisma/client";

export interface DecisionCatalog {
  /** Every purpose, retired ones included (a decision names purposes by key). */
  purposes: Array<Pick<Purpose, "id" | "key" | "title" | "required" | "policyKind" | "requiresVerifiedEmail">>;
  /** The current version of each policy kind. */
  currentPolicies: Array<Pick<PolicyVersion, "id" | "kind" | "textSha256">>;
  /** Every published wording of the purposes asked for, oldest first per purpose. */
  wordings: Array<Pick<PurposeVersion, "id" | "purposeId" | "version" | "textSha256">>;
}

/**
 * What a consent decision is checked against, in one statement: under the subject's lock each
 * round trip holds the lock longer and costs the portal's one thread a statement (issue 15; the
 * three reads were three round trips). The catalog is a few rows, so it is read whole.
 */
export async function readDecisionCatalog(purposeKeys: string[], tx: Tx): Promise<DecisionCatalog> {
  const [row] = await tx.$queryRaw<DecisionCatalog[]>`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('id', id, 'key', key, 'title', title, 'required', required,
          'policyKind', policy_kind, 'requiresVerifiedEmail', requires_verified_email) ORDER BY key), '[]')
        FROM "Purpose") AS purposes,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'textSha256', text_sha256)), '[]')
        FROM (SELECT DISTINCT ON (kind) id, kind, text_sha256 FROM "PolicyVersion"
              ORDER BY kind, published_at DESC, id DESC) AS current) AS "currentPolicies",
      (SELECT coalesce(json_agg(json_build_object('id', v.id, 'purposeId', v.purpose_id, 'version', v.version,
          'textSha256', v.text_sha256) ORDER BY v.purpose_id, v.version), '[]')
        FROM "PurposeVersion" v JOIN "Purpose" p ON p.id = v.purpose_id
        WHERE p.key = ANY(${purposeKeys}::text[])) AS wordings`;
  return row!;
}
