import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { readWithAccessLog } from "@/lib/compliance/read-with-access-log";
import { AppError, parseInput } from "@/lib/errors";
import { currentPurposeVersions, listPurposeVersions } from "@/lib/policies/read-purpose-versions";
import { listPurposes } from "@/lib/policies/list-purposes";
import { listPolicyVersions, resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import type { PolicyVersion } from "@/lib/generated/prisma/client";
import {
  policyVersionPathSchema,
  policyVersionsQuerySchema,
  type ApiPolicyVersion,
  type ApiPolicyVersions,
  type ApiPurposes,
} from "./schemas";

/** The purposes offered now, each with its current wording's version and hash. */
export function listApiPurposes(actor: Actor): Promise<ApiPurposes> {
  return readWithAccessLog(
    actor,
    async (tx) => {
      const [purposes, wordings] = await Promise.all([listPurposes(tx), listPurposeVersions({}, tx)]);
      const current = currentPurposeVersions(wordings);
      return {
        purposes: purposes.map((purpose) => {
          const wording = current.get(purpose.id)!;
          return {
            key: purpose.key,
            title: wording.title,
            description: wording.description,
            required: wording.required,
            policyKind: purpose.policyKind,
            currentVersion: {
              id: wording.id,
              version: wording.version,
              textSha256: wording.textSha256,
              publishedAt: wording.publishedAt.toISOString(),
            },
          };
        }),
      };
    },
    () => ({ action: "api.catalog.read", detail: { read: "purposes" } }),
  );
}

function summary(version: Omit<PolicyVersion, "text">, current: boolean) {
  return {
    id: version.id,
    kind: version.kind,
    version: version.version,
    title: version.title,
    url: resolvePolicyUrl(version.url),
    textSha256: version.textSha256,
    publishedAt: version.publishedAt.toISOString(),
    requiresReconsent: version.requiresReconsent,
    current,
  };
}

/** Every published policy version (of one kind, if asked), newest first, the ones in force marked. */
export function listApiPolicyVersions(query: { kind?: string }, actor: Actor): Promise<ApiPolicyVersions> {
  const { kind } = parseInput(policyVersionsQuerySchema, query);
  return readWithAccessLog(
    actor,
    async (tx) => {
      const versions = await listPolicyVersions(kind ? { kind } : {}, tx);
      const latest = new Map<string, string>();
      // Newest first: the first of each kind is the one in force.
      for (const version of versions) if (!latest.has(version.kind)) latest.set(version.kind, version.id);
      return { policyVersions: versions.map((version) => summary(version, latest.get(version.kind) === version.id)) };
    },
    () => ({ action: "api.catalog.read", detail: { read: "policy-versions", ...(kind ? { kind } : {}) } }),
  );
}

/** One policy version with its text (whose SHA-256 a grant must name). */
export function readApiPolicyVersion(params: { id: string }, actor: Actor): Promise<ApiPolicyVersion> {
  const { id } = parseInput(policyVersionPathSchema, params);
  return readWithAccessLog(
    actor,
    async (tx) => {
      const version = await tx.policyVersion.findUnique({ where: { id } });
      if (!version) throw new AppError("not_found", "No such policy version.", { field: "id" });
      const newest = await tx.policyVersion.findFirst({
        where: { kind: version.kind },
        orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
        select: { id: true },
      });
      return { ...summary(version, newest?.id === version.id), text: version.text };
    },
    (result) => ({ action: "api.catalog.read", detail: { read: "policy-version", id: result.id } }),
  );
}
