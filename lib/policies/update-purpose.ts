import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { AppError, parseInput } from "@/lib/errors";
import type { Purpose } from "@/lib/generated/prisma/client";
import { updatePurposeSchema, type UpdatePurposeInput } from "./schemas";

/** Edits a purpose's wording or order. Its key, required flag and document stay fixed. */
export async function updatePurpose(input: UpdatePurposeInput, tx?: Tx): Promise<Purpose> {
  const { key, ...changes } = parseInput(updatePurposeSchema, input);
  const client = tx ?? db();
  const { count } = await client.purpose.updateMany({ where: { key }, data: { ...changes, updatedAt: new Date() } });
  if (count === 0) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
  return client.purpose.findUniqueOrThrow({ where: { key } });
}
