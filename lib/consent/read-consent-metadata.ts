import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { buildAuth0ConsentMetadata, type Auth0ConsentMetadata } from "./auth0-consent-metadata";

/** The `user_metadata.consent` object the ledger's current state implies for a subject. */
export async function readConsentMetadata(subjectId: string, tx?: Tx): Promise<Auth0ConsentMetadata> {
  const found = await readConsentMetadataOf([subjectId], tx);
  return found.get(subjectId)!;
}

/**
 * The same for many subjects in three queries (the Auth0 reconciliation reads a page of people
 * at a time). Every id given gets an entry, an empty one when the subject made no decision.
 */
export async function readConsentMetadataOf(subjectIds: string[], tx?: Tx): Promise<Map<string, Auth0ConsentMetadata>> {
  const client = tx ?? db();
  const [purposes, states] = await Promise.all([
    client.purpose.findMany({ orderBy: [{ required: "desc" }, { position: "asc" }, { key: "asc" }] }),
    client.consentState.findMany({ where: { subjectId: { in: subjectIds } } }),
  ]);
  const versionIds = [...new Set(states.flatMap((row) => (row.policyVersionId ? [row.policyVersionId] : [])))];
  const versions = await client.policyVersion.findMany({
    where: { id: { in: versionIds } },
    select: { id: true, version: true, url: true },
  });
  return new Map(
    subjectIds.map((subjectId) => [
      subjectId,
      buildAuth0ConsentMetadata({
        purposes,
        states: states.filter((row) => row.subjectId === subjectId),
        versions,
        resolveUrl: resolvePolicyUrl,
      }),
    ]),
  );
}
