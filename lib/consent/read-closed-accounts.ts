import "server-only";
import { db, type Tx } from "@/lib/db/client";

/**
 * Which of these subjects' accounts the ledger says are closed: a required consent withdrawn
 * (or refused). Auth0 must flag those users `app_metadata.deleted` (ADR 032).
 */
export async function readClosedAccounts(subjectIds: string[], tx?: Tx): Promise<Set<string>> {
  if (subjectIds.length === 0) return new Set();
  const rows = await (tx ?? db()).consentState.findMany({
    where: { subjectId: { in: subjectIds }, status: "withdrawn", purpose: { required: true } },
    select: { subjectId: true },
    distinct: ["subjectId"],
  });
  return new Set(rows.map((row) => row.subjectId));
}
