"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { publishPolicyDraft } from "@/lib/admin/publish-policy-draft";
import { deletePolicyDraft, savePolicyDraft } from "@/lib/admin/save-policy-draft";
import { draftIdFormSchema, policyDraftFormSchema, publishDraftFormSchema } from "@/lib/admin/schemas";
import { requireRole } from "@/lib/auth/viewer";
import { defineAction } from "@/lib/http/define-action";

export const saveDraftAction = defineAction({ role: "admin", schema: policyDraftFormSchema }, async (input) => {
  const viewer = await requireRole("admin", "/admin/policies");
  const draft = await savePolicyDraft(input, viewer.userId);
  revalidatePath("/admin/policies");
  if (!input.id) redirect(`/admin/policies/drafts/${draft.id}?saved=1#preview`);
  revalidatePath(`/admin/policies/drafts/${draft.id}`);
  return "Draft saved. Check the preview below before publishing.";
});

export const deleteDraftAction = defineAction({ role: "admin", schema: draftIdFormSchema }, async (input) => {
  const viewer = await requireRole("admin", "/admin/policies");
  await deletePolicyDraft(input.id, viewer.userId);
  revalidatePath("/admin/policies");
  redirect("/admin/policies");
});

export const publishDraftAction = defineAction({ role: "admin", schema: publishDraftFormSchema }, async (input) => {
  const viewer = await requireRole("admin", `/admin/policies/drafts/${input.id}`);
  const version = await publishPolicyDraft(input, viewer.userId);
  revalidatePath("/admin/policies");
  redirect(`/admin/policies/versions/${version.id}?published=1`);
});
