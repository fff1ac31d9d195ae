import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { buildAuth0ConsentMetadata, type Auth0ConsentMetadata } from "./auth0-consent-metadata";

/** The `user_metadata.consent` object the ledger's current state implies for a subject. */
export async function readConsentMetadata(subjectId: string, tx?: Tx): Promise<Auth0ConsentMetadata> {
  const client = tx ?? db();
  const [purposes, states] = await Promise.all([
    client.purpose.findMany({ orderBy: [{ required: "desc" }, { position: "asc" }, { key: "asc" }] }),
    client.consentState.findMany({ where: { subjectId } }),
  ]);
  const versionIds = states.flatMap((row) => (row.policyVersionId ? [row.policyVersionId] : []));
  const versions = await client.policyVersion.findMany({
    where: { id: { in: versionIds } },
    select: { id: true, version: true, url: true },
  });
  return buildAuth0ConsentMetadata({ purposes, states, versions, resolveUrl: resolvePolicyUrl });
}
