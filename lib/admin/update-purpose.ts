import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { Purpose, PurposeVersion } from "@/lib/generated/prisma/client";
import { updatePurposeSchema, type UpdatePurposeInput } from "@/lib/policies/schemas";
import { appendAdminChange } from "./append-admin-change";
import { appendPurposeVersion } from "./append-purpose-version";
import { countPurposeGrants } from "./read-purpose-versions";

export interface UpdatedPurpose {
  purpose: Purpose;
  /** The new wording version, when the title or description changed. */
  version: PurposeVersion | null;
  /** People who had the purpose granted when the new version was published. */
  affected: number;
}

/**
 * Rewords a purpose, reorders it, or makes it required or optional. Its key and governing
 * document never change (past decisions refer to them). New wording, or a change of `required`,
 * is published as a new PurposeVersion (ADR 025): for new wording the admin says whether the
 * change is editorial or requires re-consent, and names the version they edited
 * (`fromVersion`), so a version published meanwhile by someone else is not silently replaced. Making it required sends everyone who has
 * not agreed to it through the consent gate; a retired purpose cannot be made required.
 */
export async function updatePurpose(input: UpdatePurposeInput, actor: Actor, tx?: Tx): Promise<UpdatedPurpose> {
  const { key, wordingChange, changeSummary, fromVersion, ...changes } = parseInput(updatePurposeSchema, input);
  return inTransaction(tx, async (tx) => {
    // Edits of one purpose queue here: each new version number is the current one plus one.
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Purpose" WHERE key = ${key} FOR UPDATE`;
    if (!locked[0]) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
    const before = await tx.purpose.findUniqueOrThrow({ where: { key } });
    if (changes.required && before.retiredAt) {
      throw new AppError("conflict", "A retired purpose cannot be required. Reinstate it first.", {
        field: "required",
      });
    }
    const current = await tx.purposeVersion.findFirstOrThrow({
      where: { purposeId: before.id },
      orderBy: { version: "desc" },
    });
    const wording = {
      title: changes.title ?? current.title,
      description: changes.description ?? current.description,
    };
    const reworded = wording.title !== current.title || wording.description !== current.description;
    const required = changes.required ?? current.required;

    let version: PurposeVersion | null = null;
    let affected = 0;
    if (reworded || required !== current.required) {
      if (reworded && fromVersion !== undefined && fromVersion !== current.version) {
        throw new AppError(
          "conflict",
          `Version ${current.version} of this purpose was published after you opened it. Reload the page and edit that one.`,
          { field: "fromVersion" },
        );
      }
      if (reworded && !wordingChange) {
        throw new AppError(
          "validation_failed",
          "The wording changed: choose whether the change is editorial or requires re-consent.",
          { field: "wordingChange" },
        );
      }
      affected = await countPurposeGrants(before.id, tx);
      version = await appendPurposeVersion(
        {
          purposeId: before.id,
          version: current.version + 1,
          wording,
          required,
          // Only new wording asks people again; making a purpose required sends those who have
          // not agreed to it through the gate anyway.
          requiresReconsent: reworded && wordingChange === "reconsent",
          changeSummary: changeSummary || (reworded ? undefined : required ? "Made required." : "Made optional."),
        },
        actor,
        tx,
      );
    }
    const after = await tx.purpose.update({
      where: { key },
      data: { position: changes.position, requiresVerifiedEmail: changes.requiresVerifiedEmail },
    });
    await appendAdminChange(
      {
        action: "purpose.update",
        target: key,
        before: {
          title: before.title,
          description: before.description,
          required: before.required,
          requiresVerifiedEmail: before.requiresVerifiedEmail,
          position: before.position,
          version: current.version,
        },
        after: {
          ...changes,
          ...(version
            ? {
                version: {
                  purposeVersionId: version.id,
                  version: version.version,
                  textSha256: version.textSha256,
                  requiresReconsent: version.requiresReconsent,
                  ...(version.changeSummary ? { changeSummary: version.changeSummary } : {}),
                  affected,
                },
              }
            : {}),
        },
      },
      actor,
      tx,
    );
    return { purpose: after, version, affected };
  });
}
