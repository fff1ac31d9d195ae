import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { grantConsent } from "@/lib/consent/grant-consent";
import type { RequestContext } from "@/lib/consent/schemas";
import { db } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { consumeRateLimit } from "@/lib/rate-limits/rate-limits";
import { auth0 } from "@/lib/auth0/auth0-gateway";
import { listPurposes } from "@/lib/policies/list-purposes";
import { readCurrentPolicyVersions, resolvePolicyUrl } from "@/lib/policies/read-policy-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import type { SignUpInput } from "./schemas";
import { resendForUnverifiedSignUp } from "./resend-verification-email";
import { signUpUser } from "./sign-up-user";

export type SignUpOutcome =
  | { outcome: "created"; subjectId: string }
  /** The address had an account nobody verified: Auth0 emailed its link again; nothing recorded. */
  | { outcome: "verification_resent" };

/**
 * Creates the Auth0 user with the consent in `user_metadata`, then records the decisions in
 * the ledger (method `signup`) before the person first signs in. Everything that can be
 * checked is checked before the account exists, so a refused form creates nothing. Optional
 * email purposes are recorded pending (ADR 040): Auth0 has just emailed the verification link.
 * Signing up again with an address whose account nobody verified sends that link again instead
 * of refusing (the form's choices are not recorded: nobody proved the account is theirs).
 */
export async function signUpWithConsent(
  input: SignUpInput & { context: RequestContext },
  actor: Actor,
): Promise<SignUpOutcome> {
  // Counted before anything is checked: a refused attempt is an attempt (ADR 035).
  await consumeRateLimit("signUpPerIp", input.context.ip ?? null);
  await consumeRateLimit("signUpPerEmail", computeEmailBlindIndex(emailBlindIndexKey(), input.email));
  const [current, purposes] = await Promise.all([readCurrentPolicyVersions(), listPurposes()]);
  const currentIds = Object.values(current).flatMap((version) => (version ? [version.id] : []));
  if (currentIds.some((id) => !input.policyVersionIds.includes(id))) {
    throw new AppError("policy_outdated", "Our terms changed while you were on this page: please review them again.", {
      field: "acceptTerms",
    });
  }
  const optional = new Set(purposes.filter((purpose) => !purpose.required).map((purpose) => purpose.key));
  const unknown = input.purposes.filter((key) => !optional.has(key));
  if (unknown.length)
    throw new AppError("validation_failed", "Choose only from the listed purposes.", { field: "purposes" });
  const required = purposes.filter((purpose) => purpose.required).map((purpose) => purpose.key);

  const terms = current.terms;
  let auth0UserId: string;
  try {
    ({ auth0UserId } = await signUpUser({
      email: input.email,
      password: input.password,
      // The Authentication API takes string values only; the full `consent` object follows via the
      // outbox, which removes these keys in the same PATCH (ADR 041).
      userMetadata: {
        consentGiven: "true",
        consentDate: new Date().toISOString(),
        ...(terms && { consentTextDetails: resolvePolicyUrl(terms.url), consentVersion: terms.version }),
      },
    }));
  } catch (error) {
    if (isAppError(error, "already_exists") && (await resendForUnverifiedSignUp(input.email))) {
      return { outcome: "verification_resent" };
    }
    throw error;
  }

  const subject = await recordOrUndo(auth0UserId, () =>
    db().$transaction(async (tx) => {
      const created = await ensureSubject({ auth0UserId, email: input.email }, tx);
      await grantConsent(
        {
          subjectId: created.id,
          purposes: [...required, ...input.purposes],
          policyVersionIds: currentIds,
          method: "signup",
          context: input.context,
          idempotencyKey: input.idempotencyKey,
        },
        actor,
        tx,
      );
      return created;
    }),
  );
  return { outcome: "created", subjectId: subject.id };
}

/**
 * If the ledger refuses the decisions (e.g. a policy was published a moment ago), the Auth0
 * user just created is deleted again, so a person is never left with an account whose consent
 * is not on record, and can simply submit again.
 */
async function recordOrUndo<T>(auth0UserId: string, record: () => Promise<T>): Promise<T> {
  try {
    return await record();
  } catch (error) {
    await auth0()
      .deleteUser(auth0UserId)
      .catch((undoError: unknown) =>
        logger.error(
          { err: undoError instanceof Error ? undoError.message : String(undoError) },
          "sign-up undo failed",
        ),
      );
    throw error;
  }
}
