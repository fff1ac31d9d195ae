import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { purposeKeyInputSchema, type PurposeKeyInput } from "@/lib/policies/schemas";
import { appendAdminChange } from "./append-admin-change";

/**
 * Stops offering a purpose. One that has ledger events is retired (kept, with its history,
 * hidden from sign-up and My consents); one nobody ever decided on is deleted. A required
 * purpose must be made optional first: retiring it would silently lift a condition of use.
 */
export async function retirePurpose(input: PurposeKeyInput, actor: Actor, tx?: Tx): Promise<"retired" | "deleted"> {
  const { key } = parseInput(purposeKeyInputSchema, input);
  return inTransaction(tx, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`purpose:${key}`}))`;
    const purpose = await tx.purpose.findUnique({ where: { key } });
    if (!purpose) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
    if (purpose.required) {
      throw new AppError("conflict", `“${purpose.title}” is required: make it optional before retiring it.`, {
        field: "key",
      });
    }
    if (purpose.retiredAt) return "retired";
    const used = await tx.consentEvent.findFirst({ where: { purposeId: purpose.id }, select: { id: true } });
    if (used) {
      await tx.purpose.update({ where: { key }, data: { retiredAt: new Date() } });
      await appendAdminChange({ action: "purpose.retire", target: key }, actor, tx);
      return "retired";
    }
    // The foreign keys from ConsentEvent/ConsentState are RESTRICT: the database refuses this
    // delete if a decision was recorded after the check above.
    await tx.purpose.delete({ where: { key } });
    await appendAdminChange({ action: "purpose.delete", target: key, before: { title: purpose.title } }, actor, tx);
    return "deleted";
  });
}

/** Offers a retired purpose again. */
export async function reinstatePurpose(input: PurposeKeyInput, actor: Actor, tx?: Tx): Promise<void> {
  const { key } = parseInput(purposeKeyInputSchema, input);
  await inTransaction(tx, async (tx) => {
    const purpose = await tx.purpose.findUnique({ where: { key } });
    if (!purpose) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
    if (!purpose.retiredAt) return;
    await tx.purpose.update({ where: { key }, data: { retiredAt: null } });
    await appendAdminChange({ action: "purpose.reinstate", target: key }, actor, tx);
  });
}
