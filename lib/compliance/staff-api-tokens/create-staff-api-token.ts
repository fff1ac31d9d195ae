import "server-only";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import { createStaffApiTokenFormSchema, type CreateStaffApiTokenInput } from "../schemas";
import type { Actor } from "@/lib/auth/actor";
import { generateStaffToken, hashStaffToken, staffTokenHint } from "./token-format";

/** At most this many live tokens per person: tokens are for a few scripts, not for sharing. */
const MAX_LIVE_TOKENS = 10;

/**
 * A token for the Management API proxy, owned by the staff member creating it and never more
 * powerful than them. Returns the token itself: this is the only time it exists in clear.
 */
export async function createStaffApiToken(
  input: CreateStaffApiTokenInput,
  actor: Actor,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const request = parseInput(createStaffApiTokenFormSchema, input);
  if (actor.via.type !== "session") throw new AppError("forbidden", "Tokens are created from a signed-in session.");
  if (request.role === "admin" && !actor.roles.includes("admin")) {
    throw new AppError("forbidden", "Only admins can create tokens that write.", { field: "role" });
  }
  await consumeRateLimit("tokenCreationPerUser", actor.id);
  const now = new Date();
  const token = generateStaffToken();
  const created = await inTransaction(undefined, async (tx) => {
    // One owner's creations queue here, so the live-token limit holds under concurrent requests.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`staff-api-token:${actor.id}`}))`;
    const live = await tx.staffApiToken.count({
      where: { ownerId: actor.id, revokedAt: null, expiresAt: { gt: now } },
    });
    if (live >= MAX_LIVE_TOKENS) {
      throw new AppError("validation_failed", `You already have ${MAX_LIVE_TOKENS} live tokens; revoke one first.`, {
        field: "label",
      });
    }
    const row = await tx.staffApiToken.create({
      data: {
        ownerId: actor.id,
        role: request.role,
        label: request.label,
        tokenHash: hashStaffToken(token),
        tokenHint: staffTokenHint(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + request.expiresInDays * 86_400_000),
      },
    });
    await appendAdminChange(
      {
        action: "api_token.create",
        target: row.id,
        after: { role: request.role, label: row.label, expiresAt: row.expiresAt.toISOString() },
      },
      actor,
      tx,
    );
    return row;
  });
  return { id: created.id, token, expiresAt: created.expiresAt };
}
