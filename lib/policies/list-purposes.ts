import "server-only";
import { db, type Tx } from "@/lib/db/client";
import type { Purpose } from "@/lib/generated/prisma/client";

/** Every purpose, in display order (required first). */
export function listPurposes(tx?: Tx): Promise<Purpose[]> {
  return (tx ?? db()).purpose.findMany({ orderBy: [{ required: "desc" }, { position: "asc" }, { key: "asc" }] });
}
