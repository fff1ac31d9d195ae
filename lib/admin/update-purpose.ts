import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { Purpose } from "@/lib/generated/prisma/client";
import { updatePurposeSchema, type UpdatePurposeInput } from "@/lib/policies/schemas";
import { appendAdminChange } from "./append-admin-change";

/**
 * Rewords a purpose, reorders it, or makes it required or optional. Its key and governing
 * document never change (past decisions refer to them). Making it required sends everyone who
 * has not agreed to it through the consent gate; a retired purpose cannot be made required.
 */
export async function updatePurpose(input: UpdatePurposeInput, actor: Actor, tx?: Tx): Promise<Purpose> {
  const { key, ...changes } = parseInput(updatePurposeSchema, input);
  return inTransaction(tx, async (tx) => {
    const before = await tx.purpose.findUnique({ where: { key } });
    if (!before) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
    if (changes.required && before.retiredAt) {
      throw new AppError("conflict", "A retired purpose cannot be required. Reinstate it first.", {
        field: "required",
      });
    }
    const after = await tx.purpose.update({ where: { key }, data: changes });
    await appendAdminChange(
      {
        action: "purpose.update",
        target: key,
        before: {
          title: before.title,
          description: before.description,
          required: before.required,
          position: before.position,
        },
        after: changes,
      },
      actor,
      tx,
    );
    return after;
  });
}
