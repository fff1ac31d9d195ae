import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import type { Actor } from "@/lib/auth/actor";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { revokeStaffApiTokenFormSchema } from "../schemas";

/** Revokes one of the actor's own tokens at once, logged. Revoking it again changes nothing. */
export async function revokeStaffApiToken(input: { tokenId: string }, actor: Actor): Promise<void> {
  const { tokenId } = parseInput(revokeStaffApiTokenFormSchema, input);
  await inTransaction(undefined, async (tx) => {
    const { count } = await tx.staffApiToken.updateMany({
      where: { id: tokenId, ownerId: actor.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count > 0) {
      await appendAdminChange({ action: "api_token.revoke", target: tokenId }, actor, tx);
      return;
    }
    const exists = await tx.staffApiToken.count({ where: { id: tokenId, ownerId: actor.id } });
    if (!exists) throw new AppError("not_found", "No such token.", { field: "tokenId" });
  });
}
