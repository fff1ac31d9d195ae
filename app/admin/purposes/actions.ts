"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createPurpose } from "@/lib/admin/create-purpose";
import { updatePurpose } from "@/lib/admin/update-purpose";
import { reinstatePurpose, retirePurpose } from "@/lib/admin/retire-purpose";
import { createPurposeFormSchema, updatePurposeFormSchema, purposeKeyFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";

export const createPurposeAction = defineAction(
  { role: "admin", schema: createPurposeFormSchema },
  async (input, actor) => {
    const purpose = await createPurpose(input, actor);
    revalidatePath("/admin/purposes");
    return `Created “${purpose.title}”. It is offered from now on${purpose.required ? " and required of everyone" : ""}.`;
  },
);

export const updatePurposeAction = defineAction(
  { role: "admin", schema: updatePurposeFormSchema },
  async (input, actor) => {
    const { purpose, version, affected } = await updatePurpose(input, actor);
    revalidatePath("/admin/purposes");
    revalidatePath(`/admin/purposes/${purpose.key}`);
    if (!version) return `Saved “${purpose.title}”.`;
    const people = `${affected} ${affected === 1 ? "person has" : "people have"} it granted`;
    return version.requiresReconsent
      ? `Published version ${version.version} of “${purpose.title}”. ${people}: the consent gate asks them again at their next visit.`
      : `Published version ${version.version} of “${purpose.title}” as an editorial change. ${people} and keep their consent.`;
  },
);

export const retirePurposeAction = defineAction(
  { role: "admin", schema: purposeKeyFormSchema },
  async (input, actor) => {
    const outcome = await retirePurpose(input, actor);
    revalidatePath("/admin/purposes");
    if (outcome === "deleted") redirect(`/admin/purposes?deleted=${encodeURIComponent(input.key)}`);
    revalidatePath(`/admin/purposes/${input.key}`);
    return "Retired. It is no longer offered; decisions already made stay in the ledger.";
  },
);

export const reinstatePurposeAction = defineAction(
  { role: "admin", schema: purposeKeyFormSchema },
  async (input, actor) => {
    await reinstatePurpose(input, actor);
    revalidatePath("/admin/purposes");
    revalidatePath(`/admin/purposes/${input.key}`);
    return "Reinstated. It is offered again.";
  },
);
