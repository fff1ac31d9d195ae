import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { FLAT_CONSENT_KEYS } from "@/lib/consent/auth0-consent-metadata";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { db } from "@/lib/db/client";
import { deliverOutbox } from "@/lib/outbox/deliver-outbox";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { adminActor, PERSON, systemActor } from "@/test/actors";
import { seedCatalog, signUp } from "@/test/consent-fixtures";
import { startPortalTenant, TEST_PASSWORD, type TestTenant } from "@/test/emulator";
import { readReconciliationRun } from "./auth0-reconciliation-run";
import { reconcileAuth0Mirror, type ReconcileOptions } from "./reconcile-auth0-mirror";

const SCOPES = ["read:users", "create:users", "update:users", "delete:users", "update:users_app_metadata"];
const SCHEDULE = systemActor("auth0-reconciliation");
const HOUR = 60 * 60_000;

let tenant: TestTenant;
let emulator: RunningEmulator;
let mgmt: ManagementClient;
let auth0: Auth0Gateway;
/** Small pages and windows, so a handful of people crosses pages and Auth0's 1,000-result windows. */
let options: ReconcileOptions;

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: SCOPES });
  emulator = tenant.emulator;
  const config = { ...tenant.credentials, retry: { baseDelayMs: 20, maxDelayMs: 2_500 } };
  mgmt = createManagementClient(config);
  auth0 = createAuth0Gateway(config);
  options = { auth0, perPage: 2, pagesPerWindow: 2 };
  await seedCatalog();
  await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
});

afterAll(async () => {
  await tenant?.close();
});

beforeEach(() => {
  emulator.rateLimiter.configure({});
});

let counter = 0;
/**
 * A person as sign-up makes one: an Auth0 user whose `user_metadata` holds the flat string keys
 * (and a key of their own), a subject, their sign-up decisions.
 */
async function signedUpPerson(purposes = ["terms", "analytics"]) {
  counter += 1;
  const email = `mirror.${counter}.${Date.now()}@example.com`;
  const user = await mgmt.users.create({
    connection: "Username-Password-Authentication",
    email,
    password: TEST_PASSWORD,
    user_metadata: { consentGiven: "true", consentDate: new Date().toISOString(), consentVersion: "1", theme: "dark" },
  });
  const subject = await ensureSubject({ auth0UserId: user.user_id!, email });
  await signUp(subject.id, purposes);
  return { subjectId: subject.id, auth0UserId: user.user_id! };
}

async function drainOutbox() {
  for (let round = 0; round < 20; round += 1) {
    if ((await db().outboxMessage.count({ where: { status: "pending" } })) === 0) return;
    await deliverOutbox({ auth0, batchSize: 50 });
    await db().outboxMessage.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date(0) } });
  }
  throw new Error("outbox did not drain");
}

/** A person editing their own profile: a PATCH to the emulator's Management API over HTTP. */
async function patchOverHttp(auth0UserId: string, body: Record<string, unknown>) {
  await mgmt.users.update(auth0UserId, body);
}

const userOf = (auth0UserId: string) => emulator.store.getUser(auth0UserId);

describe("the sync writes one shape", () => {
  it("writes user_metadata.consent and removes sign-up's flat keys in the same PATCH, keeping other keys", async () => {
    const person = await signedUpPerson();
    expect(userOf(person.auth0UserId)?.user_metadata).toMatchObject({ consentGiven: "true", consentVersion: "1" });
    await drainOutbox();
    const metadata = userOf(person.auth0UserId)?.user_metadata ?? {};
    expect(metadata).toEqual({ theme: "dark", consent: await readConsentMetadata(person.subjectId) });
    for (const key of FLAT_CONSENT_KEYS) expect(metadata).not.toHaveProperty(key);
  });
});

describe("reconcileAuth0Mirror", () => {
  it("finds drift a person introduced through the Management API, repairs it through the outbox, and then finds none", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => signedUpPerson()));
    const closing = await signedUpPerson();
    await withdrawConsent({ subjectId: closing.subjectId, purposes: ["terms"] }, PERSON);
    await drainOutbox();
    expect(userOf(closing.auth0UserId)?.app_metadata).toMatchObject({ deleted: true });

    const [edited, flat, lostConsent] = people;
    // The person turns analytics off in Auth0 only, someone restores a flat key, another copy loses its consent.
    const consent = await readConsentMetadata(edited!.subjectId);
    await patchOverHttp(edited!.auth0UserId, {
      user_metadata: { consent: { ...consent, purposes: { ...consent.purposes, analytics: false } } },
    });
    await patchOverHttp(flat!.auth0UserId, { user_metadata: { consentGiven: "true" } });
    await patchOverHttp(lostConsent!.auth0UserId, { user_metadata: { consent: null } });
    // And a closed account loses its flag: sign-in would be allowed again.
    await patchOverHttp(closing.auth0UserId, { app_metadata: { deleted: null } });

    const run = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(run).toMatchObject({ status: "done", startedBy: "schedule", error: null });
    // Every Auth0 user was read once, across pages of 2 and windows of 4.
    expect(run!.counts.users).toBe(emulator.store.allUsers().length);
    expect(run!.counts).toMatchObject({ drifted: 4, repaired: 4, awaitingSync: 0, missingInAuth0: 0 });
    expect(run!.counts.compared).toBeGreaterThanOrEqual(7);

    // The repairs are on record (one row per page that had drift), by the system, naming the people.
    const changes = await db().adminChange.findMany({ where: { action: "auth0.repair", target: run!.id } });
    expect(changes.every((change) => change.actorType === "system" && change.actorId === "auth0-reconciliation")).toBe(
      true,
    );
    const recorded = changes.map((change) => change.after as { subjectIds: string[]; drift: Record<string, number> });
    const total = (kind: string) => recorded.reduce((sum, after) => sum + (after.drift[kind] ?? 0), 0);
    expect({
      consent: total("consent"),
      flatKeys: total("flatKeys"),
      unflaggedClosed: total("unflaggedClosed"),
    }).toEqual({ consent: 2, flatKeys: 1, unflaggedClosed: 1 });
    expect(recorded.flatMap((after) => after.subjectIds).sort()).toEqual(
      [edited, flat, lostConsent, closing].map((person) => person!.subjectId).sort(),
    );

    await drainOutbox();
    expect(userOf(edited!.auth0UserId)?.user_metadata?.consent).toEqual(consent);
    expect(userOf(flat!.auth0UserId)?.user_metadata).not.toHaveProperty("consentGiven");
    expect(userOf(lostConsent!.auth0UserId)?.user_metadata?.consent).toEqual(
      await readConsentMetadata(lostConsent!.subjectId),
    );
    expect(userOf(closing.auth0UserId)?.app_metadata).toMatchObject({ deleted: true });

    const again = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(again!.counts).toMatchObject({ drifted: 0, repaired: 0 });
    expect(await readReconciliationRun()).toMatchObject({ id: again!.id, status: "done" });
  });

  it("leaves people with a sync already waiting to that sync", async () => {
    const person = await signedUpPerson();
    // Not drained: the sign-up's sync is still pending, and Auth0 holds only the flat keys.
    const run = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(run!.counts).toMatchObject({ awaitingSync: 1, repaired: 0 });
    expect(await db().outboxMessage.count({ where: { subjectId: person.subjectId, status: "pending" } })).toBe(1);
    await drainOutbox();
  });

  it("counts people whose Auth0 user was deleted behind the portal's back", async () => {
    const person = await signedUpPerson();
    await drainOutbox();
    await mgmt.users.delete(person.auth0UserId);
    const run = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(run!.counts.missingInAuth0).toBe(1);
  });

  it("paces itself by x-ratelimit-* and still reads everyone when the bucket is small", async () => {
    await Promise.all(Array.from({ length: 3 }, () => signedUpPerson()));
    await drainOutbox();
    // A bucket of 5 refilling 10 a second: the walk of 2-user pages must wait for it, not fail.
    emulator.rateLimiter.configure({ limit: 5, refillPerSecond: 10 });
    const run = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(run).toMatchObject({ status: "done" });
    expect(run!.counts.users).toBe(emulator.store.allUsers().length);
    expect(run!.counts.drifted).toBe(0);
  });

  it("runs once per interval across instances; an admin can start one at any time", async () => {
    const first = await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR, force: true }, options);
    expect(first).not.toBeNull();
    // The timer of another instance, a minute later: the last run is less than an hour old.
    expect(await reconcileAuth0Mirror(SCHEDULE, { intervalMs: HOUR }, options)).toBeNull();
    const admin = adminActor("auth0|reconcile-admin");
    const asked = await reconcileAuth0Mirror(admin, { intervalMs: HOUR, force: true }, options);
    expect(asked).toMatchObject({ status: "done", startedBy: "auth0|reconcile-admin" });
  });
});
