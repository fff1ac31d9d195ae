// Shared set-up for the integration tests: the demo consent catalog, fresh subjects, and their
// decisions at sign-up.
import { randomUUID } from "node:crypto";
import { grantConsent } from "@/lib/consent/grant-consent";
import { db } from "@/lib/db/client";
import { seedConsentCatalog } from "@/lib/demo/consent-catalog";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { PERSON } from "@/test/actors";

/** Seeds the demo purposes and v1 documents (once per test database). */
export async function seedCatalog(): Promise<{ termsId: string; privacyId: string }> {
  if ((await db().purpose.count()) === 0) await db().$transaction((tx) => seedConsentCatalog(tx));
  const current = await readCurrentPolicyVersions();
  return { termsId: current.terms!.id, privacyId: current.privacy!.id };
}

/**
 * A new subject with an Auth0 id and email unique to this call, whose address is verified (so an
 * email purpose is granted at once; `{ emailVerified: false }` for the double opt-in, ADR 040).
 */
export async function newSubject(label = "person", options: { emailVerified?: boolean } = {}) {
  const tag = randomUUID().slice(0, 8);
  return ensureSubject({
    auth0UserId: `auth0|${label}-${tag}`,
    email: `${label}.${tag}@example.com`,
    name: `${label} ${tag}`,
    emailVerified: options.emailVerified ?? true,
  });
}

/**
 * Records a person's decisions at sign-up: `purposes`, under the Terms and Privacy Policy in
 * force now (a test may have published newer ones); `extra` overrides any other input.
 */
export async function signUp(
  subjectId: string,
  purposes: string[],
  extra: Partial<Parameters<typeof grantConsent>[0]> = {},
) {
  const current = await readCurrentPolicyVersions();
  return grantConsent(
    {
      subjectId,
      purposes,
      policyVersionIds: [current.terms!.id, current.privacy!.id],
      method: "signup",
      ...extra,
    },
    PERSON,
  );
}

/** A new subject who signed up agreeing to `purposes`. */
export async function newSignedUpSubject(label: string, purposes: string[]) {
  const subject = await newSubject(label);
  await signUp(subject.id, purposes);
  return subject;
}
