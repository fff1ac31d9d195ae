import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { sha256Hex } from "@/lib/crypto/sha256";
import type { Tx } from "@/lib/db/client";
import { inTransaction, isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyDraft } from "@/lib/generated/prisma/client";
import { draftIdSchema, policyDraftSchema, type PolicyDraftInput } from "@/lib/policies/schemas";
import { appendAdminChange } from "./append-admin-change";

/** The portal's own page for a version. */
export function defaultPolicyUrl(kind: string, version: string): string {
  return `/policies/${kind}/${encodeURIComponent(version)}`;
}

/**
 * Creates or updates a draft. Drafts change freely; a version label already published for the
 * kind is refused now rather than at publishing.
 */
export async function savePolicyDraft(input: PolicyDraftInput, actor: Actor, tx?: Tx): Promise<PolicyDraft> {
  const { id, ...data } = parseInput(policyDraftSchema, input);
  const url = data.url ?? defaultPolicyUrl(data.kind, data.version);
  try {
    return await inTransaction(tx, async (tx) => {
      const published = await tx.policyVersion.findUnique({
        where: { kind_version: { kind: data.kind, version: data.version } },
        select: { id: true },
      });
      if (published) {
        throw new AppError("already_exists", `${data.kind} version "${data.version}" is already published.`, {
          field: "version",
        });
      }
      const draft = id
        ? await tx.policyDraft.update({ where: { id }, data: { ...data, url, updatedBy: actor.id } })
        : await tx.policyDraft.create({ data: { ...data, url, createdBy: actor.id, updatedBy: actor.id } });
      await appendAdminChange(
        {
          action: "policy.draft.save",
          target: `${draft.kind}:${draft.version}`,
          after: { draftId: draft.id, textSha256: sha256Hex(draft.text) },
        },
        actor,
        tx,
      );
      return draft;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("already_exists", `There is already a draft of ${data.kind} version "${data.version}".`, {
        field: "version",
      });
    }
    if ((error as { code?: string }).code === "P2025") throw new AppError("not_found", "This draft no longer exists.");
    throw error;
  }
}

/** Discards a draft. */
export async function deletePolicyDraft(input: { id: string }, actor: Actor, tx?: Tx): Promise<void> {
  const { id } = parseInput(draftIdSchema, input);
  await inTransaction(tx, async (tx) => {
    const draft = await tx.policyDraft.findUnique({ where: { id } });
    if (!draft) return;
    await tx.policyDraft.delete({ where: { id } });
    await appendAdminChange({ action: "policy.draft.delete", target: `${draft.kind}:${draft.version}` }, actor, tx);
  });
}
