import "server-only";
import { db } from "@/lib/db/client";
import type { AdminChange } from "@/lib/generated/prisma/client";
import type { AdminChangeAction } from "./schemas";

/** Recent admin changes of the given kinds, newest first. */
export function readAdminChanges(actions: AdminChangeAction[], limit = 20): Promise<AdminChange[]> {
  return db().adminChange.findMany({
    where: { action: { in: actions } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit,
  });
}
