import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import type { PolicyDraft } from "@/lib/generated/prisma/client";

/** Drafts, most recently edited first. */
export function listPolicyDrafts(): Promise<Array<Omit<PolicyDraft, "text">>> {
  return db().policyDraft.findMany({ orderBy: [{ updatedAt: "desc" }, { id: "desc" }], omit: { text: true } });
}

/** One draft with its text, or null. */
export async function readPolicyDraft(id: string): Promise<PolicyDraft | null> {
  if (!z.uuid().safeParse(id).success) return null;
  return db().policyDraft.findUnique({ where: { id } });
}
