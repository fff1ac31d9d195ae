import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { normalizeEmail } from "@/lib/crypto/blind-index";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";

/**
 * Asks Auth0 to email the signed-in person the link that verifies their address again (ADR 040).
 * Sends nothing to an address already verified. Nothing in the portal's data changes: the
 * verification, when it comes, is recorded by `confirmEmailConsents`.
 */
export async function resendVerificationEmail(actor: Actor): Promise<{ sent: boolean }> {
  if (actor.kind !== "person") throw new AppError("forbidden", "Only the person can ask for their own link.");
  await consumeRateLimit("verificationEmailPerUser", actor.id);
  const user = await auth0().getUser(actor.id, { fields: "user_id,email_verified", includeFields: true });
  if (!user) throw new AppError("not_found", "Your account no longer exists.");
  if (user.email_verified === true) return { sent: false };
  await auth0().sendVerificationEmail(actor.id);
  logger.info({ event: "verification_email.sent", reason: "asked" }, "verification email sent");
  return { sent: true };
}

/**
 * Sign-up with an address that already has an account nobody verified: whoever signed up first
 * may not own the address, so the account must not lock the owner out. Auth0 emails the
 * verification link again (to the address, so only its owner can follow it). Answers false when
 * the account is verified, blocked or closed: then the sign-up is refused as before.
 */
export async function resendForUnverifiedSignUp(email: string): Promise<boolean> {
  const users = await auth0().findUsersByEmail(normalizeEmail(email), {
    fields: "user_id,email_verified,blocked,app_metadata",
    includeFields: true,
  });
  const waiting = users.find(
    (user) => user.email_verified === false && user.blocked !== true && user.app_metadata?.deleted !== true,
  );
  if (!waiting?.user_id) return false;
  await auth0().sendVerificationEmail(waiting.user_id);
  logger.info({ event: "verification_email.sent", reason: "signed up again" }, "verification email sent");
  return true;
}
