import "server-only";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyDraft } from "@/lib/generated/prisma/client";
import { sha256Hex } from "@/lib/ledger/event-hash";
import { appendAdminChange } from "./append-admin-change";
import { policyDraftFormSchema, type PolicyDraftForm } from "./schemas";

/** The portal's own page for a version. */
export function defaultPolicyUrl(kind: string, version: string): string {
  return `/policies/${kind}/${encodeURIComponent(version)}`;
}

/**
 * Creates or updates a draft. Drafts change freely; a version label already published for the
 * kind is refused now rather than at publishing.
 */
export async function savePolicyDraft(input: PolicyDraftForm, actorId: string): Promise<PolicyDraft> {
  const { id, ...data } = parseInput(policyDraftFormSchema, input);
  const url = data.url ?? defaultPolicyUrl(data.kind, data.version);
  const published = await db().policyVersion.findUnique({
    where: { kind_version: { kind: data.kind, version: data.version } },
    select: { id: true },
  });
  if (published) {
    throw new AppError("already_exists", `${data.kind} version "${data.version}" is already published.`, {
      field: "version",
    });
  }
  try {
    return await db().$transaction(async (tx) => {
      const draft = id
        ? await tx.policyDraft.update({
            where: { id },
            data: { ...data, url, updatedBy: actorId, updatedAt: new Date() },
          })
        : await tx.policyDraft.create({ data: { ...data, url, createdBy: actorId, updatedBy: actorId } });
      await appendAdminChange(
        {
          actorId,
          action: "policy.draft.save",
          target: `${draft.kind}:${draft.version}`,
          after: { draftId: draft.id, textSha256: sha256Hex(draft.text) },
        },
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
export async function deletePolicyDraft(id: string, actorId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const draft = await tx.policyDraft.findUnique({ where: { id } });
    if (!draft) return;
    await tx.policyDraft.delete({ where: { id } });
    await appendAdminChange({ actorId, action: "policy.draft.delete", target: `${draft.kind}:${draft.version}` }, tx);
  });
}
