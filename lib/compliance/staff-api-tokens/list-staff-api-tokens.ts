import "server-only";
import { db } from "@/lib/db/client";
import type { StaffApiToken } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";

export type StaffApiTokenView = Omit<StaffApiToken, "tokenHash">;

/** The actor's own tokens, newest first (hashes never leave the database layer). */
export function listStaffApiTokens(actor: Actor): Promise<StaffApiTokenView[]> {
  return db().staffApiToken.findMany({
    where: { ownerId: actor.id },
    orderBy: { createdAt: "desc" },
    omit: { tokenHash: true },
    take: 50,
  });
}
