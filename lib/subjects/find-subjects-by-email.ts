import "server-only";
import { computeEmailBlindIndex } from "@/lib/crypto/blind-index";
import { emailBlindIndexKey } from "@/lib/crypto/ledger-keys";
import { db, type Tx } from "@/lib/db/client";
import { toSubjectView, type SubjectView } from "./subject-profile";

/**
 * Exact, case-insensitive email search through the blind index. Usually one subject; several
 * when Auth0 users of different connections share an address. Erased subjects are never found.
 */
export async function findSubjectsByEmail(email: string, tx?: Tx): Promise<SubjectView[]> {
  const emailBlindIndex = computeEmailBlindIndex(emailBlindIndexKey(), email);
  const subjects = await (tx ?? db()).subject.findMany({ where: { emailBlindIndex }, orderBy: { createdAt: "asc" } });
  return subjects.map(toSubjectView);
}
