"use server";

import { revalidatePath } from "next/cache";
import { registerApiClient } from "@/lib/admin/register-api-client";
import { revokeApiClient } from "@/lib/admin/revoke-api-client";
import { registerApiClientFormSchema, revokeApiClientFormSchema } from "@/lib/admin/schemas";
import { defineAction } from "@/lib/http/define-action";

/**
 * Returns the new client's id and secret as the message, one per line: the form shows them once;
 * the secret is never stored by the portal.
 */
export const registerApiClientAction = defineAction(
  { role: "admin", schema: registerApiClientFormSchema },
  async (input, actor) => {
    const { clientId, clientSecret } = await registerApiClient(input, actor);
    revalidatePath("/admin/api-clients");
    return `${clientId}\n${clientSecret}`;
  },
);

export const revokeApiClientAction = defineAction(
  { role: "admin", schema: revokeApiClientFormSchema },
  async (input, actor) => {
    await revokeApiClient(input, actor);
    revalidatePath("/admin/api-clients");
    return "API client revoked.";
  },
);
