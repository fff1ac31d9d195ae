"use server";

import { revalidatePath } from "next/cache";
import { createStaffApiTokenFormSchema, revokeStaffApiTokenFormSchema } from "@/lib/compliance/schemas";
import { createStaffApiToken } from "@/lib/compliance/staff-api-tokens/create-staff-api-token";
import { revokeStaffApiToken } from "@/lib/compliance/staff-api-tokens/revoke-staff-api-token";
import { staffActorFromViewer } from "@/lib/compliance/staff-actor";
import { defineAction } from "@/lib/http/define-action";

/** Returns the new token as the message: the form shows it once, and it is never stored in clear. */
export const createTokenAction = defineAction(
  { role: "compliance", schema: createStaffApiTokenFormSchema },
  async (input, viewer) => {
    const { token } = await createStaffApiToken(staffActorFromViewer(viewer), input);
    revalidatePath("/compliance/api-tokens");
    return token;
  },
);

export const revokeTokenAction = defineAction(
  { role: "compliance", schema: revokeStaffApiTokenFormSchema },
  async (input, viewer) => {
    await revokeStaffApiToken(staffActorFromViewer(viewer), input.tokenId);
    revalidatePath("/compliance/api-tokens");
    return "Token revoked.";
  },
);
