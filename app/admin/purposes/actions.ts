"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { addPurpose } from "@/lib/admin/add-purpose";
import { editPurpose } from "@/lib/admin/edit-purpose";
import { reinstatePurpose, retirePurpose } from "@/lib/admin/retire-purpose";
import { createPurposeFormSchema, editPurposeFormSchema, purposeKeyFormSchema } from "@/lib/admin/schemas";
import { requireRole } from "@/lib/auth/viewer";
import { defineAction } from "@/lib/http/define-action";

export const createPurposeAction = defineAction({ role: "admin", schema: createPurposeFormSchema }, async (input) => {
  const viewer = await requireRole("admin", "/admin/purposes");
  const purpose = await addPurpose(input, viewer.userId);
  revalidatePath("/admin/purposes");
  return `Created “${purpose.title}”. It is offered from now on${purpose.required ? " and required of everyone" : ""}.`;
});

export const editPurposeAction = defineAction({ role: "admin", schema: editPurposeFormSchema }, async (input) => {
  const viewer = await requireRole("admin", `/admin/purposes/${input.key}`);
  const purpose = await editPurpose(input, viewer.userId);
  revalidatePath("/admin/purposes");
  revalidatePath(`/admin/purposes/${purpose.key}`);
  return `Saved “${purpose.title}”.`;
});

export const retirePurposeAction = defineAction({ role: "admin", schema: purposeKeyFormSchema }, async (input) => {
  const viewer = await requireRole("admin", `/admin/purposes/${input.key}`);
  const outcome = await retirePurpose(input.key, viewer.userId);
  revalidatePath("/admin/purposes");
  if (outcome === "deleted") redirect(`/admin/purposes?deleted=${encodeURIComponent(input.key)}`);
  revalidatePath(`/admin/purposes/${input.key}`);
  return "Retired. It is no longer offered; decisions already made stay in the ledger.";
});

export const reinstatePurposeAction = defineAction({ role: "admin", schema: purposeKeyFormSchema }, async (input) => {
  const viewer = await requireRole("admin", `/admin/purposes/${input.key}`);
  await reinstatePurpose(input.key, viewer.userId);
  revalidatePath("/admin/purposes");
  revalidatePath(`/admin/purposes/${input.key}`);
  return "Reinstated. It is offered again.";
});
