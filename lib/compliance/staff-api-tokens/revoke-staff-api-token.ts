import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import { revokeStaffApiTokenFormSchema } from "../schemas";

/** Revokes one of the actor's own tokens at once. Revoking it again changes nothing. */
export async function revokeStaffApiToken(input: { tokenId: string }, actor: Actor): Promise<void> {
  const { tokenId } = parseInput(revokeStaffApiTokenFormSchema, input);
  const { count } = await db().staffApiToken.updateMany({
    where: { id: tokenId, ownerId: actor.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count > 0) return;
  const exists = await db().staffApiToken.count({ where: { id: tokenId, ownerId: actor.id } });
  if (!exists) throw new AppError("not_found", "No such token.", { field: "tokenId" });
}
