import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction, isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { Purpose } from "@/lib/generated/prisma/client";
import { createPurposeSchema, type CreatePurposeInput } from "@/lib/policies/schemas";
import { appendAdminChange } from "./append-admin-change";
import { appendPurposeVersion } from "./append-purpose-version";

/**
 * Creates a purpose with its wording as version 1, and logs it. A new *required* purpose sends everyone through the consent
 * gate at their next visit (they have not agreed to it yet).
 */
export async function createPurpose(input: CreatePurposeInput, actor: Actor, tx?: Tx): Promise<Purpose> {
  const data = parseInput(createPurposeSchema, input);
  try {
    return await inTransaction(tx, async (tx) => {
      const purpose = await tx.purpose.create({ data });
      const wording = await appendPurposeVersion(
        { purposeId: purpose.id, version: 1, wording: purpose, required: purpose.required, requiresReconsent: false },
        actor,
        tx,
      );
      await appendAdminChange(
        {
          action: "purpose.create",
          target: purpose.key,
          after: {
            title: purpose.title,
            required: purpose.required,
            requiresVerifiedEmail: purpose.requiresVerifiedEmail,
            policyKind: purpose.policyKind,
            version: { purposeVersionId: wording.id, version: 1, textSha256: wording.textSha256 },
          },
        },
        actor,
        tx,
      );
      return purpose;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("already_exists", `A purpose with key "${data.key}" already exists.`, { field: "key" });
    }
    throw error;
  }
}
