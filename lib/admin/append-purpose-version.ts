import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import type { PurposeVersion } from "@/lib/generated/prisma/client";
import { purposeTextSha256, type PurposeWording } from "@/lib/policies/purpose-text-hash";

/**
 * Appends a purpose's next version (1 for a new purpose) and makes it the purpose's current
 * title, description and required flag, in the caller's transaction. The caller holds the purpose's
 * row lock; the unique (purpose_id, version) index refuses a concurrent duplicate anyway.
 */
export async function appendPurposeVersion(
  input: {
    purposeId: string;
    version: number;
    wording: PurposeWording;
    required: boolean;
    requiresReconsent: boolean;
    changeSummary?: string;
  },
  actor: Actor,
  tx: Tx,
): Promise<PurposeVersion> {
  const { title, description } = input.wording;
  const created = await tx.purposeVersion.create({
    data: {
      purposeId: input.purposeId,
      version: input.version,
      title,
      description,
      textSha256: purposeTextSha256({ title, description }),
      required: input.required,
      requiresReconsent: input.requiresReconsent,
      changeSummary: input.changeSummary ?? null,
      publishedBy: actor.id,
    },
  });
  await tx.purpose.update({ where: { id: input.purposeId }, data: { title, description, required: input.required } });
  return created;
}
