import "server-only";
import { z } from "zod";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { confirmEmailConsents, type EmailConfirmation } from "@/lib/consent/confirm-email-consents";
import type { RequestContext } from "@/lib/consent/schemas";
import { normalizeEmail } from "@/lib/crypto/blind-index";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";

/** Who recorded a confirmation when nobody was signed in: the portal, having asked Auth0. */
const VERIFICATION_CHECK = systemActor("email-verification");
const CHECK_REASON = "Auth0 reports the address verified";

/** The address Auth0 put in the redirect: only a hint of whom to ask about; anything else is ignored. */
const addressHintSchema = z.email().max(320);

export interface EmailVerificationResult {
  /** Auth0 says the address is verified (for a signed-in person: theirs; else: someone's with that address). */
  verified: boolean;
  /** What became consent now; only for the signed-in person (a visitor learns nothing about an account). */
  confirmed: EmailConfirmation["confirmed"];
}

/**
 * Where Auth0's verification link lands (ADR 040). The URL says nothing the portal believes: it
 * re-reads the user from the Management API — the signed-in person, or else the users with the
 * address the redirect named — and for each whose address Auth0 reports verified, records the
 * verification and confirms their pending email consents (`confirmEmailConsents`).
 */
export async function recordEmailVerification(
  input: { email?: string; context?: RequestContext },
  actor: Actor | null,
): Promise<EmailVerificationResult> {
  const person = actor?.kind === "person" ? actor : null;
  let email = addressHintSchema.safeParse(input.email).data;
  if (!person && email) {
    // Each anonymous landing costs a Management API call: bounded per client address (ADR 035).
    const limited = await consumeRateLimit("verificationCheckPerIp", input.context?.ip ?? null).then(
      () => false,
      (error: unknown) => {
        if (isAppError(error, "rate_limited")) return true;
        throw error;
      },
    );
    if (limited) email = undefined;
  }
  const users = person
    ? [await auth0().getUser(person.id, { fields: "user_id,email_verified", includeFields: true })]
    : email
      ? await auth0()
          .findUsersByEmail(normalizeEmail(email), { fields: "user_id,email_verified", includeFields: true })
          // An address Auth0 refuses to look up has no verified user: the visitor hears "not yet".
          .catch((error: unknown) => {
            if (isAppError(error, "bad_request")) return [];
            throw error;
          })
      : [];
  const verifiedIds = users.flatMap((user) => (user?.email_verified === true && user.user_id ? [user.user_id] : []));
  const confirmed: EmailConfirmation["confirmed"] = [];
  for (const auth0UserId of verifiedIds) {
    const subject = await db().subject.findUnique({ where: { auth0UserId }, select: { id: true, erasedAt: true } });
    if (!subject || subject.erasedAt) continue;
    const result = await confirmEmailConsents(
      {
        subjectId: subject.id,
        ...(person ? {} : { reason: CHECK_REASON }),
        context: input.context ?? {},
      },
      person ?? VERIFICATION_CHECK,
    );
    confirmed.push(...result.confirmed);
  }
  return { verified: verifiedIds.length > 0, confirmed: person ? confirmed : [] };
}
