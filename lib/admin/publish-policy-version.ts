import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { sha256Hex } from "@/lib/crypto/sha256";
import type { Tx } from "@/lib/db/client";
import { inTransaction, isUniqueViolation } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { PolicyVersion } from "@/lib/generated/prisma/client";
import { publishPolicyVersionSchema, type PublishPolicyVersionInput } from "@/lib/policies/schemas";
import { enqueuePolicyPublishedWebhook } from "@/lib/webhooks/enqueue-webhook-deliveries";
import { appendAdminChange } from "./append-admin-change";

/**
 * Publishes a new version of a document. It becomes the current version of its kind at once;
 * with `requiresReconsent`, people who agreed to an earlier version are asked again
 * (`readConsentStatus` reports `needsReconsent`). Published versions never change.
 * `draftId` names the draft it came from, for the log (see `publishPolicyDraft`). `publishedAt`
 * dates a version in the past, for the system's demo history only (never from a form).
 */
export async function publishPolicyVersion(
  input: PublishPolicyVersionInput,
  actor: Actor,
  tx?: Tx,
  options: { draftId?: string; publishedAt?: Date } = {},
): Promise<PolicyVersion> {
  const data = parseInput(publishPolicyVersionSchema, input);
  if (options.publishedAt && actor.kind !== "system") {
    throw new AppError("forbidden", "Only the system may date a version in the past.");
  }
  try {
    return await inTransaction(tx, async (tx) => {
      // "Current" is the latest publishedAt: publishes of one kind queue here and each gets a
      // strictly later time, even within the same millisecond.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policy-version:${data.kind}`}))`;
      const latest = await tx.policyVersion.findFirst({ where: { kind: data.kind }, orderBy: { publishedAt: "desc" } });
      const now = options.publishedAt?.getTime() ?? Date.now();
      const publishedAt = new Date(latest ? Math.max(now, latest.publishedAt.getTime() + 1) : now);
      const version = await tx.policyVersion.create({
        data: { ...data, textSha256: sha256Hex(data.text), publishedAt, publishedBy: actor.id },
      });
      await appendAdminChange(
        {
          action: "policy.publish",
          target: `${version.kind}:${version.version}`,
          after: {
            policyVersionId: version.id,
            textSha256: version.textSha256,
            requiresReconsent: version.requiresReconsent,
            ...(version.changeSummary ? { changeSummary: version.changeSummary } : {}),
            ...(options.draftId ? { draftId: options.draftId } : {}),
          },
        },
        actor,
        tx,
      );
      await enqueuePolicyPublishedWebhook(tx, version);
      return version;
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
