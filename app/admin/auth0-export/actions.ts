"use server";

import { revalidatePath } from "next/cache";
import { startAuth0UsersExport } from "@/lib/exports/auth0-users-export";
import { auth0ExportRequestSchema } from "@/lib/exports/schemas";
import { defineAction } from "@/lib/http/define-action";

export const startAuth0ExportAction = defineAction(
  { role: "admin", schema: auth0ExportRequestSchema },
  async (input, actor) => {
    await startAuth0UsersExport(input, actor);
    revalidatePath("/admin/auth0-export");
    return "Auth0 is preparing the export. Its progress is shown below.";
  },
);
