import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { grantConsent } from "@/lib/consent/grant-consent";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { AppError, parseInput } from "@/lib/errors";
import { recordOnBehalfFormSchema, type RecordOnBehalfInput } from "./schemas";

const CHANNEL_TEXT = { paper: "on paper", phone: "by phone", email: "by email", "in-person": "in person" } as const;

/**
 * Records a consent or a withdrawal that reached staff outside the portal (a signed form, a
 * phone call), with method `staff` and the staff member and their reason on the event. Admins
 * only: compliance staff read, admins act (ADR 010). A grant is recorded under the policy
 * versions the form showed, and refused if a newer one was published since. The staff member's
 * IP and browser are not recorded: they describe the staff member, not the person.
 */
export async function recordOnBehalf(input: RecordOnBehalfInput, actor: Actor): Promise<string> {
  if (actor.kind !== "staff" || !actor.roles.includes("admin"))
    throw new AppError("forbidden", "Only admins can record decisions on someone's behalf.");
  const request = parseInput(recordOnBehalfFormSchema, input);
  const status = await readConsentStatus(request.subjectId);
  if (!status) throw new AppError("not_found", "No such subject.");
  if (status.erased) throw new AppError("subject_erased", "This person's data was erased: nothing can be recorded.");
  const row = status.purposes.find((candidate) => candidate.purpose.key === request.purpose);
  if (!row) throw new AppError("validation_failed", "No such purpose.", { field: "purpose" });
  const reason = `Received ${CHANNEL_TEXT[request.channel]}: ${request.reason}`;
  const title = row.purpose.title;
  if (request.decision === "grant") {
    const { events } = await grantConsent(
      {
        subjectId: request.subjectId,
        purposes: [request.purpose],
        policyVersionIds: request.policyVersionIds,
        method: "staff",
        reason,
        idempotencyKey: request.idempotencyKey,
      },
      actor,
    );
    return events.length
      ? `Recorded: consent to “${title}” given (${CHANNEL_TEXT[request.channel]}).`
      : `Nothing recorded: consent to “${title}” was already given under this version.`;
  }
  if (row.purpose.required && request.confirmRequired !== "yes") {
    throw new AppError(
      "validation_failed",
      `“${title}” is required: withdrawing it closes the person's account. Tick the box to confirm.`,
      { field: "confirmRequired" },
    );
  }
  // A consent that is not given is refused by withdrawConsent (409), so nothing is recorded then.
  await withdrawConsent(
    {
      subjectId: request.subjectId,
      purposes: [request.purpose],
      method: "staff",
      reason,
      idempotencyKey: request.idempotencyKey,
    },
    actor,
  );
  return `Recorded: consent to “${title}” withdrawn (${CHANNEL_TEXT[request.channel]}).`;
}
