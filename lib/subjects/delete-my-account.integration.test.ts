// "Delete my account" is erasure (GDPR Art. 17): whatever the withdrawal policy, the Auth0 user
// is deleted, so the email is found nowhere afterwards and can sign up again as a new person.
import { randomUUID } from "node:crypto";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { auth0Directory } from "@/lib/compliance/auth0-directory";
import { handleMgmtRequest } from "@/lib/compliance/mgmt-proxy/handle-mgmt-request";
import { searchSubjects } from "@/lib/compliance/search-subjects";
import { readConsentStatus } from "@/lib/consent/read-consent-status";
import {
  openAuth0UsersExportFile,
  refreshAuth0UsersExport,
  startAuth0UsersExport,
} from "@/lib/exports/auth0-users-export";
import { signUpWithConsent } from "@/lib/identity/sign-up-with-consent";
import { deliverOutbox } from "@/lib/outbox/deliver-outbox";
import { adminActor, PERSON, staffActor, systemActor } from "@/test/actors";
import { seedCatalog } from "@/test/consent-fixtures";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { deleteMyAccount } from "./delete-my-account";

const compliance = staffActor("auth0|erasure-compliance");
const admin = adminActor("auth0|erasure-admin");

let tenant: TestTenant;
let gateway: Auth0Gateway;
let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  tenant = await startPortalTenant({
    scopes: ["read:users", "create:users", "update:users", "delete:users", "read:connections", "delete:sessions"],
    exportJobDelayMs: 0,
  });
  // The portal reads its configuration once, on first use: point it at this emulator first.
  process.env.AUTH0_DOMAIN = tenant.origin;
  gateway = createAuth0Gateway(tenant.credentials);
  policies = await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

const signUpAs = async (email: string) => {
  const result = await signUpWithConsent(
    {
      email,
      password: "Correct-horse-battery",
      acceptTerms: "on",
      purposes: ["analytics"],
      policyVersionIds: [policies.termsId, policies.privacyId],
      idempotencyKey: randomUUID(),
      context: {},
    },
    PERSON,
  );
  if (result.outcome !== "created") throw new Error(`sign-up answered ${result.outcome}`);
  return result;
};

async function usersByEmailThroughProxy(email: string) {
  const url = new URL(`/users-by-email?email=${encodeURIComponent(email)}`, "http://portal.test/");
  return handleMgmtRequest(
    compliance,
    { method: "GET", segments: ["users-by-email"], query: url.searchParams, contentType: null, body: null },
    { fetchUpstream: (path, init) => gateway.request(path, init), directory: auth0Directory(() => gateway) },
  );
}

async function newAuth0Export(): Promise<string> {
  const job = await startAuth0UsersExport({ format: "csv" }, admin, gateway);
  await expect.poll(async () => (await refreshAuth0UsersExport(job.id, gateway)).job.status).toBe("completed");
  return text((await openAuth0UsersExportFile({ jobId: job.id }, admin, gateway)).stream);
}

describe("delete my account", () => {
  it.each(["flag", "delete"] as const)(
    "under the %s policy deletes the Auth0 user: the email is found nowhere and can sign up again",
    async (policy) => {
      await changeWithdrawalPolicy({ onRequiredWithdrawal: policy }, systemActor("test"));
      const email = `leaver.${policy}.${randomUUID().slice(0, 8)}@example.com`;
      const { subjectId } = await signUpAs(email);
      await deliverOutbox({ auth0: gateway });
      expect(await newAuth0Export()).toContain(email);

      await deleteMyAccount(
        { status: (await readConsentStatus(subjectId))!, context: {}, idempotencyKey: randomUUID() },
        PERSON,
      );
      await deliverOutbox({ auth0: gateway });

      expect(tenant.emulator.store.findUserByEmail(email)).toBeUndefined();
      const search = await searchSubjects(compliance, { email }, { directory: auth0Directory(() => gateway) });
      expect([...search.subjects, ...search.auth0Only]).toEqual([]);
      expect(await usersByEmailThroughProxy(email)).toMatchObject({ status: 200, body: [] });
      expect(await newAuth0Export()).not.toContain(email);

      // The same address is a new person: a new subject, with nothing of the erased one.
      const again = await signUpAs(email);
      expect(again.subjectId).not.toBe(subjectId);
      const found = await searchSubjects(compliance, { email }, { directory: auth0Directory(() => gateway) });
      expect(found.subjects.map((hit) => hit.id)).toEqual([again.subjectId]);
      await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
    },
  );
});
