import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { z } from "zod";
import { env } from "@/lib/env";
import type { PolicyKind, PolicyVersion } from "@/lib/generated/prisma/client";

export type PolicyVersionSummary = Omit<PolicyVersion, "text">;

const summary = {
  id: true,
  kind: true,
  version: true,
  title: true,
  url: true,
  textSha256: true,
  requiresReconsent: true,
  changeSummary: true,
  publishedAt: true,
  publishedBy: true,
} as const;

/** The version in force for each kind: the most recently published one (null if none yet). */
export async function readCurrentPolicyVersions(tx?: Tx): Promise<Record<PolicyKind, PolicyVersion | null>> {
  const client = tx ?? db();
  const [terms, privacy] = await Promise.all(
    (["terms", "privacy"] as const).map((kind) =>
      client.policyVersion.findFirst({ where: { kind }, orderBy: [{ publishedAt: "desc" }, { id: "desc" }] }),
    ),
  );
  return { terms: terms ?? null, privacy: privacy ?? null };
}

/** The current version of each kind, without text: what a consent decision records. */
export function readCurrentVersionHashes(tx?: Tx): Promise<Array<Pick<PolicyVersion, "id" | "kind" | "textSha256">>> {
  return (tx ?? db()).$queryRaw`
    SELECT DISTINCT ON (kind) id, kind::text AS kind, text_sha256 AS "textSha256"
    FROM "PolicyVersion" ORDER BY kind, published_at DESC, id DESC`;
}

/** All published versions (without their text), newest first. */
export function listPolicyVersions(filter: { kind?: PolicyKind } = {}, tx?: Tx): Promise<PolicyVersionSummary[]> {
  return (tx ?? db()).policyVersion.findMany({
    where: { kind: filter.kind },
    orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
    select: summary,
  });
}

/** One version with its full text, by id or by kind and version label. */
export async function readPolicyVersion(
  where: { id: string } | { kind: PolicyKind; version: string },
  tx?: Tx,
): Promise<PolicyVersion | null> {
  if ("id" in where && !z.uuid().safeParse(where.id).success) return null;
  return (tx ?? db()).policyVersion.findUnique({
    where: "id" in where ? { id: where.id } : { kind_version: { kind: where.kind, version: where.version } },
  });
}

/** A version's URL as an absolute URL (paths are on the portal). */
export function resolvePolicyUrl(url: string): string {
  return new URL(url, env().APP_BASE_URL).toString();
}
