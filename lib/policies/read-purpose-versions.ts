import "server-only";
import { db, type Tx } from "@/lib/db/client";
import type { PurposeVersion } from "@/lib/generated/prisma/client";

/**
 * Every published version of the given purposes (all purposes when omitted), oldest first per
 * purpose. Purposes and their versions are few: callers pick from the whole list.
 */
export function listPurposeVersions(filter: { purposeIds?: string[] } = {}, tx?: Tx): Promise<PurposeVersion[]> {
  return (tx ?? db()).purposeVersion.findMany({
    where: filter.purposeIds ? { purposeId: { in: filter.purposeIds } } : {},
    orderBy: [{ purposeId: "asc" }, { version: "asc" }],
  });
}

/** The current (highest) version of each purpose in `versions`, by purpose id. */
export function currentPurposeVersions<V extends Pick<PurposeVersion, "purposeId" | "version">>(
  versions: V[],
): Map<string, V> {
  const current = new Map<string, V>();
  for (const version of versions) {
    const seen = current.get(version.purposeId);
    if (!seen || version.version > seen.version) current.set(version.purposeId, version);
  }
  return current;
}

/** The columns that say which wording an event or a consent state refers to. */
interface WordingReference {
  purposeId: string | null;
  purposeVersionId: string | null;
}

/**
 * The wording a decision was made under: the version it names, or — for events recorded before
 * purpose wording was versioned (hash format 1, no version named) — the purpose's version 1, the
 * only wording on record for them (ADR 025). Null for an erasure.
 */
export function wordingOf<V extends Pick<PurposeVersion, "id" | "purposeId" | "version">>(
  reference: WordingReference,
  versions: V[],
): V | null {
  if (reference.purposeVersionId) {
    return versions.find((version) => version.id === reference.purposeVersionId) ?? null;
  }
  if (!reference.purposeId) return null;
  return versions.find((version) => version.purposeId === reference.purposeId && version.version === 1) ?? null;
}

/**
 * The versions `references` were made under, in one query, with `wordingOf` to pick each one.
 */
export async function readWordings(
  references: WordingReference[],
  tx?: Tx,
): Promise<(reference: WordingReference) => PurposeVersion | null> {
  const ids = [...new Set(references.flatMap((row) => (row.purposeVersionId ? [row.purposeVersionId] : [])))];
  const firstOf = [
    ...new Set(references.flatMap((row) => (!row.purposeVersionId && row.purposeId ? [row.purposeId] : []))),
  ];
  const versions =
    ids.length + firstOf.length === 0
      ? []
      : await (tx ?? db()).purposeVersion.findMany({
          where: { OR: [{ id: { in: ids } }, { purposeId: { in: firstOf }, version: 1 }] },
        });
  return (reference) => wordingOf(reference, versions);
}
