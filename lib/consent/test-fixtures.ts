// Shared set-up for the consent integration tests: the demo catalog and subjects.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { seedConsentCatalog } from "@/lib/demo/consent-catalog";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";

/** Seeds the demo purposes and v1 documents (once per test database). */
export async function seedCatalog(): Promise<{ termsId: string; privacyId: string }> {
  if ((await db().purpose.count()) === 0) await db().$transaction((tx) => seedConsentCatalog(tx));
  const current = await readCurrentPolicyVersions();
  return { termsId: current.terms!.id, privacyId: current.privacy!.id };
}

/** A new subject with an Auth0 id and email unique to this call. */
export async function newSubject(label = "person") {
  const tag = randomUUID().slice(0, 8);
  return ensureSubject({
    auth0UserId: `auth0|${label}-${tag}`,
    email: `${label}.${tag}@example.com`,
    name: `${label} ${tag}`,
  });
}
