"use server";

import { revalidatePath } from "next/cache";
import { changeStaffRole } from "@/lib/admin/change-staff-role";
import { changeRoleFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";

const ROLE_NAMES = { compliance: "compliance", admin: "admin" } as const;

export const changeRoleAction = defineAction({ role: "admin", schema: changeRoleFormSchema }, async (input, actor) => {
  const { changed, member } = await changeStaffRole(input, actor);
  revalidatePath("/admin/roles");
  const who = member.email ?? member.userId;
  if (!changed) {
    return input.change === "grant"
      ? `${who} already has the ${ROLE_NAMES[input.role]} role.`
      : `${who} does not have the ${ROLE_NAMES[input.role]} role.`;
  }
  const verb = input.change === "grant" ? `now has the ${input.role} role` : `no longer has the ${input.role} role`;
  return `${who} ${verb}. This takes effect the next time they sign in.`;
});
