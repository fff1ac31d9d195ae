import { z } from "zod";
import { formList } from "@/lib/http/form-fields";
import { purposeKeySchema } from "@/lib/policies/schemas";

/** One click on "Give consent" / "Withdraw" in My consents. */
export const changeConsentFormSchema = z.object({
  purpose: purposeKeySchema,
  decision: z.enum(["grant", "withdraw"], { error: "Choose to give or to withdraw consent" }),
  /** The versions the page showed; granting under a version the person did not see is refused. */
  policyVersionIds: formList(z.uuid()),
  idempotencyKey: z.uuid(),
});

/** The consent gate: accept the current required documents, and choose again for optional ones. */
export const acceptGateFormSchema = z.object({
  accept: z.literal("on", { error: "Tick the box to accept, or choose to leave" }),
  /** Optional purposes that needed re-consent and were ticked again. */
  keep: formList(purposeKeySchema),
  policyVersionIds: formList(z.uuid()).pipe(z.array(z.uuid()).min(1, "The page is out of date: reload it")),
  /** The purpose wordings the gate showed (ADR 025). */
  purposeVersionIds: formList(z.uuid()),
  idempotencyKey: z.uuid(),
  /** Checked where it is used (lib/http/safe-redirect.ts): a foreign value goes home, it is not an error. */
  returnTo: z.string().max(2048).default("/"),
});

/** Confirming a step that closes the account (withdrawing a required consent, deleting it). */
export const confirmFormSchema = z.object({
  confirm: z.literal("yes", { error: "Confirm to continue" }),
  idempotencyKey: z.uuid(),
});

/** Withdrawing a required consent (which closes the account) on its confirmation page. */
export const withdrawRequiredFormSchema = confirmFormSchema.extend({ purpose: purposeKeySchema });
