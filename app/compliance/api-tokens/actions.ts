"use server";

import { revalidatePath } from "next/cache";
import { createStaffApiTokenFormSchema, revokeStaffApiTokenFormSchema } from "@/lib/compliance/schemas";
import { createStaffApiToken } from "@/lib/compliance/staff-api-tokens/create-staff-api-token";
import { revokeStaffApiToken } from "@/lib/compliance/staff-api-tokens/revoke-staff-api-token";
import { defineAction } from "@/lib/http/define-action";

/** Returns the new token as the message: the form shows it once, and it is never stored in clear. */
export const createTokenAction = defineAction(
  { role: "compliance", schema: createStaffApiTokenFormSchema },
  async (input, actor) => {
    const { token } = await createStaffApiToken(input, actor);
    revalidatePath("/compliance/api-tokens");
    return token;
  },
);

export const revokeTokenAction = defineAction(
  { role: "compliance", schema: revokeStaffApiTokenFormSchema },
  async (input, actor) => {
    await revokeStaffApiToken(input, actor);
    revalidatePath("/compliance/api-tokens");
    return "Token revoked.";
  },
);
