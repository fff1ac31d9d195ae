import "server-only";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/transaction";
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
    return await (tx ?? db()).policyVersion.create({ data: { ...data, textSha256: sha256Hex(data.text) } });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("already_exists", `${data.kind} version "${data.version}" is already published.`, {
        field: "version",
      });
    }
    throw error;
  }
}
