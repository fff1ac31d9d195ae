import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { AdminChange, Prisma } from "@/lib/generated/prisma/client";
import { adminChangeSchema, type AdminChangeEntry } from "./schemas";

const json = (value: unknown) => (value === undefined ? undefined : (value as Prisma.InputJsonValue));

/**
 * Records what an admin changed, from what to what. Pass the transaction of the change: if the
 * record cannot be written, the change does not happen either.
 */
export async function appendAdminChange(entry: AdminChangeEntry, tx?: Tx): Promise<AdminChange> {
  const { before, after, target, ...rest } = parseInput(adminChangeSchema, entry);
  return (tx ?? db()).adminChange.create({
    data: { ...rest, target: target ?? null, before: json(before), after: json(after) },
  });
}
