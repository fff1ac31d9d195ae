import "server-only";
import type { Tx } from "@/lib/db/client";
import { inTransaction, isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyVersion } from "@/lib/generated/prisma/client";
import { sha256Hex } from "@/lib/ledger/event-hash";
import { publishPolicyVersionSchema, type PublishPolicyVersionInput } from "./schemas";

/**
 * Publishes a new version of a document. It becomes the current version of its kind at once;
 * with `requiresReconsent`, people who agreed to an earlier version are asked again
 * (`readConsentStatus` reports `needsReconsent`). Published versions never change.
 */
export async function publishPolicyVersion(input: PublishPolicyVersionInput, tx?: Tx): Promise<PolicyVersion> {
  const data = parseInput(publishPolicyVersionSchema, input);
  try {
    return await inTransaction(tx, async (tx) => {
      // "Current" is the latest publishedAt: publishes of one kind queue here and each gets a
      // strictly later time, even within the same millisecond.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policy-version:${data.kind}`}))`;
      const latest = await tx.policyVersion.findFirst({ where: { kind: data.kind }, orderBy: { publishedAt: "desc" } });
      const now = Date.now();
      const publishedAt = new Date(latest ? Math.max(now, latest.publishedAt.getTime() + 1) : now);
      return tx.policyVersion.create({ data: { ...data, textSha256: sha256Hex(data.text), publishedAt } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("already_exists", `${data.kind} version "${data.version}" is already published.`, {
        field: "version",
      });
    }
    throw error;
  }
}
