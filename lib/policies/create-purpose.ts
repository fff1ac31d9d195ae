import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { Purpose } from "@/lib/generated/prisma/client";
import { createPurposeSchema, type CreatePurposeInput } from "./schemas";

export async function createPurpose(input: CreatePurposeInput, tx?: Tx): Promise<Purpose> {
  const data = parseInput(createPurposeSchema, input);
  try {
    return await (tx ?? db()).purpose.create({ data });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("already_exists", `A purpose with key "${data.key}" already exists.`, { field: "key" });
    }
    throw error;
  }
}
