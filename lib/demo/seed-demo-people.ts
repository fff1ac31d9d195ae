import "server-only";
import { systemActor } from "@/lib/auth/actor";
import { grantConsent } from "@/lib/consent/grant-consent";
import { db } from "@/lib/db/client";
import { listPurposes } from "@/lib/policies/list-purposes";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";

export interface DemoPerson {
  auth0UserId: string;
  email: string;
  name: string;
}

/**
 * Gives each demo account a subject and a consent to the required purposes (recorded as a
 * migration by the demo seed), so every role can use the portal at once. Leaves anyone who
 * already has a ledger history alone. Returns how many were seeded.
 */
export async function seedDemoPeople(people: DemoPerson[]): Promise<number> {
  const [purposes, current] = await Promise.all([listPurposes(), readCurrentPolicyVersions()]);
  const required = purposes.filter((purpose) => purpose.required).map((purpose) => purpose.key);
  const policyVersionIds = Object.values(current).flatMap((version) => (version ? [version.id] : []));
  if (!required.length || !policyVersionIds.length) return 0;
  let seeded = 0;
  for (const person of people) {
    await db().$transaction(async (tx) => {
      // The demo accounts are created verified in the emulator (emulator/demo-users.ts).
      const subject = await ensureSubject({ ...person, emailVerified: true }, tx);
      if (subject.lastSeq > 0) return;
      await grantConsent(
        {
          subjectId: subject.id,
          purposes: required,
          policyVersionIds,
          method: "migration",
          idempotencyKey: `demo-seed:${subject.id}`,
          reason: "demo account",
        },
        systemActor("demo-seed"),
        tx,
      );
      seeded += 1;
    });
  }
  return seeded;
}
