import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import type { ApiClient } from "@/lib/generated/prisma/client";
import { requireAdmin } from "./register-api-client";

/** Every registered API client, newest first, revoked ones too (they stay on record). */
export function listApiClients(actor: Actor): Promise<ApiClient[]> {
  requireAdmin(actor);
  return db().apiClient.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}
