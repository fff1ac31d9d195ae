import "server-only";
import { auditActor, type Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { AdminChange, Prisma } from "@/lib/generated/prisma/client";
import { adminChangeLeaf } from "@/lib/transparency/leaf-data";
import { enqueueLeaves } from "@/lib/transparency/enqueue-leaves";
import { adminChangeSchema, type AdminChangeEntry } from "./schemas";

const json = (value: unknown) => (value === undefined ? undefined : (value as Prisma.InputJsonValue));

/**
 * Records what `actor` changed, from what to what. Takes the transaction of the change: if the
 * record cannot be written, the change does not happen either. Only the admin use cases in this
 * folder call it.
 */
export async function appendAdminChange(entry: AdminChangeEntry, actor: Actor, tx: Tx): Promise<AdminChange> {
  const change = parseInput(adminChangeSchema, entry);
  const row = await tx.adminChange.create({
    data: {
      ...auditActor(actor),
      action: change.action,
      target: change.target,
      before: json("before" in change ? change.before : undefined),
      after: json("after" in change ? change.after : undefined),
    },
  });
  await enqueueLeaves(tx, [adminChangeLeaf(row)]);
  return row;
}
