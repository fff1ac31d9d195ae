"use server";

import { redirect } from "next/navigation";
import { requirePerson } from "@/lib/subjects/require-person";
import { acceptConsentGate } from "@/lib/consent/accept-consent-gate";
import { acceptGateFormSchema } from "@/lib/consent/form-schemas";
import { defineAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";
import { safeRedirectPath } from "@/lib/http/safe-redirect";

export const acceptGate = defineAction({ role: "user", schema: acceptGateFormSchema }, async (input, actor) => {
  const { status } = await requirePerson(actor, "/consent", { gate: false });
  await acceptConsentGate(
    {
      status,
      keep: input.keep,
      policyVersionIds: input.policyVersionIds,
      purposeVersionIds: input.purposeVersionIds,
      context: await readRequestContext(),
      idempotencyKey: input.idempotencyKey,
    },
    actor,
  );
  redirect(safeRedirectPath(input.returnTo));
});
