"use server";

import { redirect } from "next/navigation";
import { signOutAfter } from "@/lib/auth/account-closed";
import { confirmFormSchema } from "@/lib/consent/form-schemas";
import { defineAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";
import { deleteMyAccount } from "@/lib/subjects/delete-my-account";
import { requirePerson } from "@/lib/subjects/require-person";

export const deleteAccount = defineAction({ role: "user", schema: confirmFormSchema }, async (input, actor) => {
  const { status } = await requirePerson(actor, "/me/delete", { gate: false });
  await deleteMyAccount({ status, context: await readRequestContext(), idempotencyKey: input.idempotencyKey }, actor);
  redirect(signOutAfter("deleted"));
});
