import { AppError } from "@/lib/errors";
import type { PolicyKind } from "@/lib/generated/prisma/client";
import type { ConsentPatch } from "./proxy-routes";

export interface PurposeNow {
  key: string;
  required: boolean;
  policyKind: PolicyKind;
  granted: boolean;
}

export interface ConsentPlan {
  grant: string[];
  withdraw: string[];
}

const FIELD = "user_metadata.consent";

/**
 * What a `user_metadata.consent` written through the proxy means for the ledger. Only changes
 * count: `true` for a purpose already granted (under any version) records nothing, so a client
 * that writes back the object it read never re-grants old consent under a newer text. `given`
 * speaks for the required purposes. A `version` must be the current version of the document of
 * every purpose being granted: nobody is recorded as agreeing to a text other than the one named.
 */
export function planConsentChange(
  patch: ConsentPatch,
  purposes: PurposeNow[],
  currentVersionLabel: Record<PolicyKind, string | null>,
): ConsentPlan {
  const wanted = new Map<string, boolean>();
  for (const [key, value] of Object.entries(patch.purposes ?? {})) {
    if (!purposes.some((purpose) => purpose.key === key)) {
      throw new AppError("validation_failed", `${FIELD}.purposes.${key}: no such purpose`, {
        field: `${FIELD}.purposes.${key}`,
      });
    }
    wanted.set(key, value);
  }
  if (patch.given !== undefined) {
    for (const purpose of purposes.filter((candidate) => candidate.required)) {
      if (wanted.has(purpose.key) && wanted.get(purpose.key) !== patch.given) {
        throw new AppError(
          "validation_failed",
          `${FIELD}.given: contradicts purposes.${purpose.key} (a required purpose)`,
          { field: `${FIELD}.given` },
        );
      }
      wanted.set(purpose.key, patch.given);
    }
  }
  const plan: ConsentPlan = { grant: [], withdraw: [] };
  for (const purpose of purposes) {
    const value = wanted.get(purpose.key);
    if (value === true && !purpose.granted) plan.grant.push(purpose.key);
    if (value === false && purpose.granted) plan.withdraw.push(purpose.key);
  }
  if (patch.version !== undefined) {
    for (const key of plan.grant) {
      const kind = purposes.find((purpose) => purpose.key === key)!.policyKind;
      const current = currentVersionLabel[kind];
      if (current !== patch.version) {
        throw new AppError(
          "policy_outdated",
          `${FIELD}.version: "${key}" is governed by ${kind} version ${current ?? "(none published)"}, not ${patch.version}`,
          { field: `${FIELD}.version` },
        );
      }
    }
  }
  return plan;
}
