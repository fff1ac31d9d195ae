import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { appendAdminChange } from "./append-admin-change";

async function findPurpose(key: string) {
  const purpose = await db().purpose.findUnique({ where: { key } });
  if (!purpose) throw new AppError("not_found", `No purpose with key "${key}".`, { field: "key" });
  return purpose;
}

/**
 * Stops offering a purpose. One that has ledger events is retired (kept, with its history,
 * hidden from sign-up and My consents); one nobody ever decided on is deleted. A required
 * purpose must be made optional first: retiring it would silently lift a condition of use.
 */
export async function retirePurpose(key: string, actorId: string): Promise<"retired" | "deleted"> {
  return db().$transaction(async (tx) => {
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
      await tx.purpose.update({ where: { key }, data: { retiredAt: new Date(), updatedAt: new Date() } });
      await appendAdminChange({ actorId, action: "purpose.retire", target: key }, tx);
      return "retired";
    }
    // The foreign keys from ConsentEvent/ConsentState are RESTRICT: the database refuses this
    // delete if a decision was recorded after the check above.
    await tx.purpose.delete({ where: { key } });
    await appendAdminChange({ actorId, action: "purpose.delete", target: key, before: { title: purpose.title } }, tx);
    return "deleted";
  });
}

/** Offers a retired purpose again. */
export async function reinstatePurpose(key: string, actorId: string): Promise<void> {
  const purpose = await findPurpose(key);
  if (!purpose.retiredAt) return;
  await db().$transaction(async (tx) => {
    await tx.purpose.update({ where: { key }, data: { retiredAt: null, updatedAt: new Date() } });
    await appendAdminChange({ actorId, action: "purpose.reinstate", target: key }, tx);
  });
}
