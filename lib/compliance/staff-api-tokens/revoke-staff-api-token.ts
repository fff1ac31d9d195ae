import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { StaffActor } from "../staff-actor";

/** Revokes one of the actor's own tokens at once. Revoking it again changes nothing. */
export async function revokeStaffApiToken(actor: StaffActor, tokenId: string): Promise<void> {
  const { count } = await db().staffApiToken.updateMany({
    where: { id: tokenId, ownerId: actor.userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count > 0) return;
  const exists = await db().staffApiToken.count({ where: { id: tokenId, ownerId: actor.userId } });
  if (!exists) throw new AppError("not_found", "No such token.", { field: "tokenId" });
}
