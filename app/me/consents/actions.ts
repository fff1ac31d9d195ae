"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { signOutAfter } from "@/lib/auth/account-closed";
import { changeConsentFormSchema, withdrawRequiredFormSchema } from "@/lib/consent/form-schemas";
import { grantConsent } from "@/lib/consent/grant-consent";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { AppError } from "@/lib/errors";
import { resendVerificationEmail } from "@/lib/identity/resend-verification-email";
import { defineAction } from "@/lib/http/define-action";
import { buttonFormSchema } from "@/lib/http/form-fields";
import { readRequestContext } from "@/lib/http/request-context";
import { declineTerms } from "@/lib/subjects/decline-terms";
import { requirePerson } from "@/lib/subjects/require-person";

export const changeConsent = defineAction({ role: "user", schema: changeConsentFormSchema }, async (input, actor) => {
  const { subject, status } = await requirePerson(actor, "/me/consents");
  const row = status.purposes.find((candidate) => candidate.purpose.key === input.purpose);
  if (!row) throw new AppError("not_found", "This purpose no longer exists.", { field: "purpose" });
  const base = { subjectId: subject.id, purposes: [input.purpose] };
  const context = await readRequestContext();
  if (input.decision === "grant") {
    const decision = await grantConsent(
      {
        ...base,
        policyVersionIds: input.policyVersionIds,
        method: "portal",
        context,
        idempotencyKey: input.idempotencyKey,
      },
      actor,
    );
    revalidatePath("/me/consents");
    if (decision.events.some((event) => event.action === "requested")) {
      return `“${row.purpose.title}” starts once you confirm your email address: follow the link in the email we sent you.`;
    }
    return `You gave consent to “${row.purpose.title}”.`;
  }
  // A required purpose closes the account: that goes through the confirmation page.
  if (row.purpose.required) redirect(`/me/consents/withdraw/${row.purpose.key}`);
  await withdrawConsent({ ...base, method: "portal", context, idempotencyKey: input.idempotencyKey }, actor);
  revalidatePath("/me/consents");
  return `You withdrew consent to “${row.purpose.title}”.`;
});

/** Auth0 emails the verification link again (ADR 040); nothing is recorded until it is followed. */
export const resendVerificationLink = defineAction(
  { role: "user", schema: buttonFormSchema },
  async (_input, actor) => {
    const { sent } = await resendVerificationEmail(actor);
    return sent
      ? "We sent the link again. It can take a few minutes to arrive; check your spam folder too."
      : "Your email address is already verified.";
  },
);

export const withdrawRequiredConsent = defineAction(
  { role: "user", schema: withdrawRequiredFormSchema },
  async (input, actor) => {
    const { subject, status } = await requirePerson(actor, "/me/consents", { gate: false });
    const row = status.purposes.find((candidate) => candidate.purpose.key === input.purpose);
    // Only a required purpose closes the account; anything else must not log the person out.
    if (!row?.purpose.required) throw new AppError("not_found", "This is not a consent that closes the account.");
    // Withdraws what was given (everything, reason "account closed") or records the refusal of a
    // consent never given (declined at the gate): either way the closing is on the ledger.
    await declineTerms(
      {
        subject,
        purpose: row.purpose.key,
        context: await readRequestContext(),
        idempotencyKey: input.idempotencyKey,
      },
      actor,
    );
    // The account is being closed (flagged or deleted in Auth0 by the outbox): end the session.
    redirect(signOutAfter("closed"));
  },
);
