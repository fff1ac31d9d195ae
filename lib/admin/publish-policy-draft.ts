import "server-only";
import { db } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyVersion } from "@/lib/generated/prisma/client";
import { sha256Hex } from "@/lib/ledger/event-hash";
import { publishPolicyVersion } from "@/lib/policies/publish-policy-version";
import { appendAdminChange } from "./append-admin-change";
import { publishDraftFormSchema, type PublishDraftForm } from "./schemas";

/**
 * Publishes a draft as an immutable PolicyVersion and removes the draft, in one transaction.
 * The admin confirms the SHA-256 shown in the preview: if the draft was edited since (another
 * tab, another admin), publishing is refused, so what is published is exactly what was
 * previewed. With `requiresReconsent`, everyone who agreed to an earlier version of the kind is
 * sent through the consent gate at their next visit.
 */
export async function publishPolicyDraft(input: PublishDraftForm, actorId: string): Promise<PolicyVersion> {
  const { id, textSha256, requiresReconsent } = parseInput(publishDraftFormSchema, input);
  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      Array<{ id: string }>
    >`SELECT id FROM "PolicyDraft" WHERE id = ${id}::uuid FOR UPDATE`;
    if (!rows[0]) throw new AppError("not_found", "This draft no longer exists (it may have been published).");
    const draft = await tx.policyDraft.findUniqueOrThrow({ where: { id } });
    if (sha256Hex(draft.text) !== textSha256) {
      throw new AppError("conflict", "The draft changed after you previewed it. Preview it again before publishing.");
    }
    const version = await publishPolicyVersion(
      {
        kind: draft.kind,
        version: draft.version,
        title: draft.title,
        url: draft.url,
        text: draft.text,
        requiresReconsent,
        publishedBy: actorId,
      },
      tx,
    );
    await tx.policyDraft.delete({ where: { id } });
    await appendAdminChange(
      {
        actorId,
        action: "policy.publish",
        target: `${version.kind}:${version.version}`,
        after: { policyVersionId: version.id, textSha256: version.textSha256, requiresReconsent },
      },
      tx,
    );
    return version;
  });
}
