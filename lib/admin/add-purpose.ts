import "server-only";
import { db } from "@/lib/db/client";
import { parseInput } from "@/lib/errors";
import type { Purpose } from "@/lib/generated/prisma/client";
import { createPurpose } from "@/lib/policies/create-purpose";
import { appendAdminChange } from "./append-admin-change";
import { createPurposeFormSchema, type CreatePurposeForm } from "./schemas";

/**
 * Creates a purpose and logs it. A new *required* purpose sends everyone through the consent
 * gate at their next visit (they have not agreed to it yet).
 */
export async function addPurpose(input: CreatePurposeForm, actorId: string): Promise<Purpose> {
  const data = parseInput(createPurposeFormSchema, input);
  return db().$transaction(async (tx) => {
    const purpose = await createPurpose(data, tx);
    await appendAdminChange(
      {
        actorId,
        action: "purpose.create",
        target: purpose.key,
        after: { title: purpose.title, required: purpose.required, policyKind: purpose.policyKind },
      },
      tx,
    );
    return purpose;
  });
}
