"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { changeStaffRole } from "@/lib/admin/change-staff-role";
import { changeRoleFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";
import { endSessionsOf } from "@/lib/sessions/end-sessions-of";
import { endSessionsOfSchema } from "@/lib/sessions/schemas";

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
  if (input.change === "revoke") {
    // The revoke form leaves the page with the role; the page says what happened and shows the new state.
    redirect(`/admin/roles?${new URLSearchParams({ revoked: input.role, user: member.userId }).toString()}`);
  }
  return `${who} now has the ${input.role} role: from their next sign-in, or within a minute if they are signed in as staff.`;
});

export const endSessionsAction = defineAction({ role: "admin", schema: endSessionsOfSchema }, async (input, actor) => {
  const { userId, ended } = await endSessionsOf(input, actor);
  revalidatePath("/admin/roles");
  return ended === 0
    ? `${input.user} had no active session.`
    : `Ended ${ended} session${ended === 1 ? "" : "s"} of ${userId === input.user ? userId : `${input.user} (${userId})`}.`;
});
