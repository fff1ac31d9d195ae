import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { sha256Hex } from "@/lib/crypto/sha256";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyVersion } from "@/lib/generated/prisma/client";
import { publishDraftSchema, type PublishDraftInput } from "@/lib/policies/schemas";
import { publishPolicyVersion } from "./publish-policy-version";

/**
 * Publishes a draft as an immutable PolicyVersion and removes the draft, in one transaction.
 * The admin confirms the SHA-256 shown in the preview: if the draft was edited since (another
 * tab, another admin), publishing is refused, so what is published is exactly what was
 * previewed. With `requiresReconsent`, everyone who agreed to an earlier version of the kind is
 * sent through the consent gate at their next visit.
 */
export async function publishPolicyDraft(input: PublishDraftInput, actor: Actor, tx?: Tx): Promise<PolicyVersion> {
  const { id, textSha256, requiresReconsent, changeSummary } = parseInput(publishDraftSchema, input);
  return inTransaction(tx, async (tx) => {
    const rows = await tx.$queryRaw<
      Array<{ id: string }>
    >`SELECT id FROM "PolicyDraft" WHERE id = ${id}::uuid FOR UPDATE`;
    if (!rows[0]) throw new AppError("not_found", "This draft no longer exists (it may have been published).");
    const draft = await tx.policyDraft.findUniqueOrThrow({ where: { id } });
    if (sha256Hex(draft.text) !== textSha256) {
      throw new AppError("conflict", "The draft changed after you previewed it. Preview it again before publishing.");
    }
    const { kind, version, title, url, text } = draft;
    const published = await publishPolicyVersion(
      { kind, version, title, url, text, requiresReconsent, ...(changeSummary ? { changeSummary } : {}) },
      actor,
      tx,
      { draftId: id },
    );
    await tx.policyDraft.delete({ where: { id } });
    return published;
  });
}
