"use server";

import { revalidatePath } from "next/cache";
import { recordOnBehalf } from "@/lib/compliance/record-on-behalf";
import { recordOnBehalfFormSchema } from "@/lib/compliance/schemas";
import { staffActorFromViewer } from "@/lib/compliance/staff-actor";
import { defineAction } from "@/lib/http/define-action";

/** Admins record a decision received on paper, by phone or by email (compliance staff only read). */
export const recordOnBehalfAction = defineAction(
  { role: "admin", schema: recordOnBehalfFormSchema },
  async (input, viewer) => {
    const message = await recordOnBehalf(staffActorFromViewer(viewer), input);
    revalidatePath(`/compliance/subjects/${input.subjectId}`);
    return message;
  },
);
