import "server-only";
import { redirect } from "next/navigation";
import { readConsentStatus, type ConsentStatusView } from "@/lib/consent/read-consent-status";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import type { SubjectView } from "@/lib/subjects/subject-profile";
import { requireRole, type Viewer } from "./viewer";

export interface Person {
  viewer: Viewer;
  subject: SubjectView;
  status: ConsentStatusView;
}

/**
 * The signed-in person with their subject and consent state. Creates the subject on first
 * sight (users created elsewhere or migrated). Unless `gate` is false, a person without a
 * current consent to every required purpose is sent to the consent gate first.
 */
export async function requirePerson(returnTo: string, options: { gate?: boolean } = {}): Promise<Person> {
  const viewer = await requireRole("user", returnTo);
  const subject = await ensureSubject({ auth0UserId: viewer.userId, email: viewer.email, name: viewer.name });
  const status = await readConsentStatus(subject.id);
  // Erased: the account is gone; end the session.
  if (!status || status.erased) redirect("/auth/logout");
  if (options.gate !== false && needsConsentGate(status)) {
    redirect(`/consent?returnTo=${encodeURIComponent(returnTo)}`);
  }
  return { viewer, subject, status };
}

export function needsConsentGate(status: ConsentStatusView): boolean {
  return status.missingRequired.length > 0 || status.needsReconsent;
}
