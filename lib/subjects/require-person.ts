import "server-only";
import { redirect } from "next/navigation";
import type { Actor } from "@/lib/auth/actor";
import { safeRedirectPath } from "@/lib/http/safe-redirect";
import { readConsentStatus, type ConsentStatusView } from "@/lib/consent/read-consent-status";
import { confirmEmailConsents } from "@/lib/consent/confirm-email-consents";
import { readRequestContext } from "@/lib/http/request-context";
import { ensureSubject } from "./ensure-subject";
import type { SubjectView } from "./subject-profile";

export interface Person {
  subject: SubjectView;
  status: ConsentStatusView;
}

/**
 * The signed-in person's subject and consent state, for their own pages (the wrapper already
 * checked the session). Creates the subject on first sight (users created elsewhere or
 * migrated). Unless `gate` is false, a person without a current consent to every required
 * purpose is sent to the consent gate first. An ID token that says the address is verified,
 * where the portal did not know it yet, confirms the pending email consents (ADR 040).
 */
export async function requirePerson(actor: Actor, returnTo: string, options: { gate?: boolean } = {}): Promise<Person> {
  let subject = await ensureSubject({ auth0UserId: actor.id, email: actor.email, name: actor.displayName });
  if (actor.emailVerified && !subject.emailVerifiedAt && !subject.erasedAt) {
    // Signed in with an ID token that says the address is verified: pending requests become consent.
    await confirmEmailConsents({ subjectId: subject.id, context: await readRequestContext() }, actor);
    subject = { ...subject, emailVerifiedAt: new Date() };
  }
  const status = await readConsentStatus(subject.id);
  // Erased: the account is gone; end the session.
  if (!status || status.erased) redirect("/auth/logout");
  if (options.gate !== false && needsConsentGate(status)) {
    redirect(`/consent?returnTo=${encodeURIComponent(safeRedirectPath(returnTo))}`);
  }
  return { subject, status };
}

export function needsConsentGate(status: ConsentStatusView): boolean {
  return status.missingRequired.length > 0 || status.needsReconsent;
}
