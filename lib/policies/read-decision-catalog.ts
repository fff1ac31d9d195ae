import "server-only";
import type { Tx } from "@/lib/db/client";
import {
  Prisma,
  type ConsentState,
  type PolicyVersion,
  type Purpose,
  type PurposeVersion,
} from "@/lib/generated/prisma/client";

export interface DecisionCatalog {
  /** Every purpose, retired ones included (a decision names purposes by key). */
  purposes: Array<Pick<Purpose, "id" | "key" | "title" | "required" | "policyKind" | "requiresVerifiedEmail">>;
  /** The current version of each policy kind. */
  currentPolicies: Array<Pick<PolicyVersion, "id" | "kind" | "textSha256">>;
  /** Every published wording of the purposes asked for, oldest first per purpose. */
  wordings: Array<Pick<PurposeVersion, "id" | "purposeId" | "version" | "textSha256">>;
}

/** Every purpose as JSON, by key: the catalog is a few rows, so it is read whole. */
const EVERY_PURPOSE = Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', id, 'key', key, 'title', title,
    'required', required, 'policyKind', policy_kind, 'requiresVerifiedEmail', requires_verified_email) ORDER BY key), '[]')
  FROM "Purpose")`;

/**
 * What a consent decision is checked against, in one statement: under the subject's lock each
 * round trip holds the lock longer and costs the portal's one thread a statement (issue 15; the
 * three reads were three round trips). The catalog is a few rows, so it is read whole.
 */
export async function readDecisionCatalog(purposeKeys: string[], tx: Tx): Promise<DecisionCatalog> {
  const [row] = await tx.$queryRaw<DecisionCatalog[]>`
    SELECT
      ${EVERY_PURPOSE} AS purposes,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'kind', kind, 'textSha256', text_sha256)), '[]')
        FROM (SELECT DISTINCT ON (kind) id, kind, text_sha256 FROM "PolicyVersion"
              ORDER BY kind, published_at DESC, id DESC) AS current) AS "currentPolicies",
      (SELECT coalesce(json_agg(json_build_object('id', v.id, 'purposeId', v.purpose_id, 'version', v.version,
          'textSha256', v.text_sha256) ORDER BY v.purpose_id, v.version), '[]')
        FROM "PurposeVersion" v JOIN "Purpose" p ON p.id = v.purpose_id
        WHERE p.key = ANY(${purposeKeys}::text[])) AS wordings`;
  return row!;
}

export interface WithdrawalCatalog {
  purposes: DecisionCatalog["purposes"];
  /** The policy versions the person's consents were given under, for their text hashes. */
  policyVersions: Array<Pick<PolicyVersion, "id" | "textSha256">>;
  /**
   * The wordings they were given under: the version a state row names, or version 1 for rows from
   * before wordings were versioned (`wordingOf`, ADR 025).
   */
  wordings: Array<Pick<PurposeVersion, "id" | "purposeId" | "version" | "textSha256">>;
}

/**
 * What a withdrawal names, in one statement (as `readDecisionCatalog`): a withdrawal records the
 * policy version and wording each consent was given under, not the current ones.
 */
export async function readWithdrawalCatalog(
  state: Array<Pick<ConsentState, "purposeId" | "purposeVersionId" | "policyVersionId">>,
  tx: Tx,
): Promise<WithdrawalCatalog> {
  const policyVersionIds = state.flatMap((row) => (row.policyVersionId ? [row.policyVersionId] : []));
  const wordingIds = state.flatMap((row) => (row.purposeVersionId ? [row.purposeVersionId] : []));
  const firstWordingOf = state.flatMap((row) => (row.purposeVersionId ? [] : [row.purposeId]));
  const [row] = await tx.$queryRaw<WithdrawalCatalog[]>`
    SELECT
      ${EVERY_PURPOSE} AS purposes,
      (SELECT coalesce(json_agg(json_build_object('id', id, 'textSha256', text_sha256)), '[]')
        FROM "PolicyVersion" WHERE id = ANY(${policyVersionIds}::uuid[])) AS "policyVersions",
      (SELECT coalesce(json_agg(json_build_object('id', id, 'purposeId', purpose_id, 'version', version,
          'textSha256', text_sha256)), '[]')
        FROM "PurposeVersion"
        WHERE id = ANY(${wordingIds}::uuid[]) OR (purpose_id = ANY(${firstWordingOf}::uuid[]) AND version = 1)) AS wordings`;
  return row!;
}
