"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { publishPolicyDraft } from "@/lib/admin/publish-policy-draft";
import { deletePolicyDraft, savePolicyDraft } from "@/lib/admin/save-policy-draft";
import { draftIdFormSchema, policyDraftFormSchema, publishDraftFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";

export const saveDraftAction = defineAction({ role: "admin", schema: policyDraftFormSchema }, async (input, actor) => {
  const draft = await savePolicyDraft(input, actor);
  revalidatePath("/admin/policies");
  if (!input.id) redirect(`/admin/policies/drafts/${draft.id}?saved=1#preview`);
  revalidatePath(`/admin/policies/drafts/${draft.id}`);
  return "Draft saved. Check the preview below before publishing.";
});

export const deleteDraftAction = defineAction({ role: "admin", schema: draftIdFormSchema }, async (input, actor) => {
  await deletePolicyDraft(input, actor);
  revalidatePath("/admin/policies");
  redirect("/admin/policies");
});

export const publishDraftAction = defineAction(
  { role: "admin", schema: publishDraftFormSchema },
  async (input, actor) => {
    // `confirm` is the form's own check; the use case takes what is published.
    const { id, textSha256, requiresReconsent, changeSummary } = input;
    const version = await publishPolicyDraft(
      { id, textSha256, requiresReconsent, ...(changeSummary ? { changeSummary } : {}) },
      actor,
    );
    revalidatePath("/admin/policies");
    redirect(`/admin/policies/versions/${version.id}?published=1`);
  },
);
