"use server";

import { redirect } from "next/navigation";
import { requirePerson } from "@/lib/auth/require-person";
import { acceptGateFormSchema } from "@/lib/consent/form-schemas";
import { grantConsent } from "@/lib/consent/grant-consent";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { defineAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";

export const acceptConsentGate = defineAction({ role: "user", schema: acceptGateFormSchema }, async (input) => {
  const { subject, status } = await requirePerson("/consent", { gate: false });
  const context = await readRequestContext();
  const required = status.purposes.filter((row) => row.purpose.required).map((row) => row.purpose.key);
  const lapsed = status.purposes
    .filter((row) => !row.purpose.required && row.needsReconsent && !input.keep.includes(row.purpose.key))
    .map((row) => row.purpose.key);
  const renewed = status.purposes
    .filter((row) => !row.purpose.required && row.needsReconsent && input.keep.includes(row.purpose.key))
    .map((row) => row.purpose.key);
  await db().$transaction(async (tx) => {
    await grantConsent(
      {
        subjectId: subject.id,
        purposes: [...required, ...renewed],
        policyVersionIds: input.policyVersionIds,
        // First consent of someone created elsewhere is given in the portal; a renewal is re-consent.
        method: status.purposes.some((row) => row.purpose.required && row.policyVersion) ? "reconsent" : "portal",
        actor: { type: "self" },
        context,
        idempotencyKey: `${input.idempotencyKey}:grant`,
      },
      tx,
    );
    // Consent given under replaced terms and not renewed has lapsed: record that, too.
    if (lapsed.length) {
      await withdrawConsent(
        {
          subjectId: subject.id,
          purposes: lapsed,
          method: "reconsent",
          actor: { type: "self" },
          context,
          idempotencyKey: `${input.idempotencyKey}:lapse`,
        },
        tx,
      );
    }
  });
  redirect(input.returnTo.startsWith("//") ? "/" : input.returnTo);
});
