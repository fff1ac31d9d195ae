"use server";

import { redirect } from "next/navigation";
import { requirePerson } from "@/lib/auth/require-person";
import { confirmFormSchema } from "@/lib/consent/form-schemas";
import { defineAction } from "@/lib/http/define-action";
import { readRequestContext } from "@/lib/http/request-context";
import { deleteMyAccount } from "@/lib/subjects/delete-my-account";

export const deleteAccount = defineAction({ role: "user", schema: confirmFormSchema }, async (input) => {
  const { status } = await requirePerson("/me/delete", { gate: false });
  await deleteMyAccount({ status, context: await readRequestContext(), idempotencyKey: input.idempotencyKey });
  redirect("/auth/logout");
});
