"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/http/define-action";
import { endMySession } from "@/lib/sessions/end-my-session";
import { endMySessionSchema } from "@/lib/sessions/schemas";

export const endMySessionAction = defineAction({ role: "user", schema: endMySessionSchema }, async (input, actor) => {
  await endMySession(input, actor);
  revalidatePath("/me/data");
  return "That session has ended: whoever used it must sign in again.";
});
