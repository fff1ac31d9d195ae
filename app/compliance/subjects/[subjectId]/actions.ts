"use server";

import { revalidatePath } from "next/cache";
import { recordOnBehalf } from "@/lib/compliance/record-on-behalf";
import { recordOnBehalfFormSchema } from "@/lib/compliance/schemas";
import { defineAction } from "@/lib/http/define-action";

/** Admins record a decision received on paper, by phone or by email (compliance staff only read). */
export const recordOnBehalfAction = defineAction(
  { role: "admin", schema: recordOnBehalfFormSchema },
  async (input, actor) => {
    const message = await recordOnBehalf(input, actor);
    revalidatePath(`/compliance/subjects/${input.subjectId}`);
    return message;
  },
);
