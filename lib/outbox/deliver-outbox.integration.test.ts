import type { ManagementClient } from "auth0";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "@/emulator/server";
import { createAuth0Gateway, type Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { createManagementClient } from "@/lib/auth0/management-client";
import { readConsentMetadata } from "@/lib/consent/read-consent-metadata";
import { seedCatalog, signUp } from "@/test/consent-fixtures";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { changeWithdrawalPolicy } from "@/lib/admin/change-withdrawal-policy";
import { db } from "@/lib/db/client";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { ensureSubject } from "@/lib/subjects/ensure-subject";
import { startPortalTenant, type TestTenant } from "@/test/emulator";
import { deliverOutbox, OUTBOX_LEASE_MS } from "./deliver-outbox";
import { readOutboxStatus } from "./read-outbox-status";
import { runOutboxWorker } from "./run-outbox-worker";
import { recordOnBehalf } from "@/lib/compliance/record-on-behalf";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { randomUUID } from "node:crypto";
import { adminActor, PERSON, systemActor } from "@/test/actors";

const SCOPES = ["read:users", "create:users", "update:users", "delete:users", "delete:sessions"];

let tenant: TestTenant;
let emulator: RunningEmulator;
let mgmt: ManagementClient;
let auth0: Auth0Gateway;

beforeAll(async () => {
  tenant = await startPortalTenant({ scopes: SCOPES });
  emulator = tenant.emulator;
  // Short waits so injected faults cost milliseconds, not seconds (429 still waits for its reset).
  const config = { ...tenant.credentials, retry: { baseDelayMs: 20, maxDelayMs: 2_500 } };
  mgmt = createManagementClient(config);
  auth0 = createAuth0Gateway(config);
  await seedCatalog();
});

afterAll(async () => {
  await tenant?.close();
});

beforeEach(() => {
  emulator.faults.configure({});
});

let counter = 0;
/** An Auth0 user in the emulator and its subject in the ledger. */
async function personInAuth0() {
  counter += 1;
  const email = `outbox.${counter}.${Date.now()}@example.com`;
  const user = await mgmt.users.create({
    connection: "Username-Password-Authentication",
    email,
    password: "Str0ng-enough-pass",
  });
  const subject = await ensureSubject({ auth0UserId: user.user_id!, email });
  return { subject, auth0UserId: user.user_id! };
}

/** Makes every pending message due now: stands in for the passing of backoff time. */
async function fastForward() {
  await db().outboxMessage.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date(0) } });
}

/** Runs the worker function until nothing is pending (bounded); returns how many deliveries failed on the way. */
async function drain(maxRounds = 40): Promise<{ failed: number }> {
  let failed = 0;
  for (let round = 0; round < maxRounds; round += 1) {
    if ((await db().outboxMessage.count({ where: { status: "pending" } })) === 0) return { failed };
    failed += (await deliverOutbox({ auth0, batchSize: 10 })).failed;
    await fastForward();
  }
  throw new Error("outbox did not drain");
}

/** The user as the emulator's tenant holds it (read directly, so it does not touch the rate limit). */
function auth0User(userId: string) {
  return Promise.resolve(emulator.store.getUser(userId));
}

describe("deliverOutbox", () => {
  it("writes user_metadata.consent as one whole object in the seed's shape", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    // Something else already in user_metadata must survive: only the `consent` key is replaced.
    await mgmt.users.update(auth0UserId, { user_metadata: { hobby: "surfing", consent: { legacy: "field" } } });
    await signUp(subject.id, ["terms", "analytics"]);
    await drain();
    const consent = await readConsentMetadata(subject.id);
    expect(consent).toMatchObject({
      given: true,
      version: "1",
      text_details: "http://localhost:3999/policies/terms/1",
      purposes: { terms: true, analytics: true },
    });
    expect(new Date(consent.date).toString()).not.toBe("Invalid Date");
    const user = await auth0User(auth0UserId);
    expect(user?.user_metadata).toEqual({ hobby: "surfing", consent });
  });

  it("delivers everything despite injected 429s and 5xx: nothing lost, Auth0 equals the ledger", async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => personInAuth0()));
    for (const [index, { subject }] of people.entries()) {
      await signUp(subject.id, index % 2 ? ["terms", "marketing-email", "analytics"] : ["terms", "product-research"]);
      if (index % 3 === 0) {
        // Only what each was given: withdrawing anything else is refused (ADR 035).
        await withdrawConsent(
          {
            subjectId: subject.id,
            purposes: index % 2 ? ["analytics"] : ["product-research"],
          },
          PERSON,
        );
      }
    }
    // Deterministic bursts of both fault kinds, then a random share of 5xx on top.
    emulator.faults.configure({ rateLimitNext: 4, failNext: 5, errorStatus: 503, errorRate: 0.2 });
    const { failed } = await drain();
    // The faults really bit: some deliveries failed and were rescheduled, none were lost.
    expect(failed).toBeGreaterThan(0);
    for (const { subject, auth0UserId } of people) {
      const user = await auth0User(auth0UserId);
      expect(user?.user_metadata?.consent, `Auth0 user of subject ${subject.id}`).toEqual(
        await readConsentMetadata(subject.id),
      );
    }
    const status = await readOutboxStatus();
    expect(status.pending).toBe(0);
  });

  it("keeps messages pending while Auth0 is down, then delivers them (delayed, never lost)", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    await signUp(subject.id, ["terms"]);
    emulator.faults.configure({ errorRate: 1, errorStatus: 503 });
    const report = await deliverOutbox({ auth0, batchSize: 50 });
    expect(report.failed).toBeGreaterThan(0);
    const [message] = await db().outboxMessage.findMany({ where: { subjectId: subject.id } });
    expect(message).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "Auth0 answered 503",
      lockedUntil: null,
    });
    expect(message!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: a second run leaves it alone.
    expect((await deliverOutbox({ auth0, batchSize: 50 })).claimed).toBe(0);
    expect((await auth0User(auth0UserId))?.user_metadata?.consent).toBeUndefined();

    emulator.faults.configure({});
    await fastForward();
    await drain();
    const delivered = await db().outboxMessage.findFirstOrThrow({ where: { subjectId: subject.id } });
    expect(delivered).toMatchObject({ status: "delivered", attempts: 2, lastError: null });
    expect((await auth0User(auth0UserId))?.user_metadata?.consent).toEqual(await readConsentMetadata(subject.id));
  });

  it("retries the token request and 429s inside one delivery when the waits are short", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    await signUp(subject.id, ["terms", "analytics"]);
    // A fresh client has no cached token: its /oauth/token call meets two 503s first.
    const fresh = createAuth0Gateway({ ...tenant.credentials, retry: { baseDelayMs: 20, maxDelayMs: 2_500 } });
    emulator.faults.configure({ failNext: 2, rateLimitNext: 1, paths: ["/oauth/token", "/api/v2/"] });
    const report = await deliverOutbox({ auth0: fresh, batchSize: 50 });
    expect(report).toMatchObject({ delivered: 1, failed: 0 });
    expect((await auth0User(auth0UserId))?.user_metadata?.consent).toEqual(await readConsentMetadata(subject.id));
  });

  it("caches the client-credentials token: deliveries go on while /oauth/token is failing", async () => {
    const first = await personInAuth0();
    await signUp(first.subject.id, ["terms"]);
    await drain();
    // Every token request now fails; the cached token keeps the Management API calls working.
    emulator.faults.configure({ errorRate: 1, errorStatus: 503, paths: ["/oauth/token"] });
    const second = await personInAuth0();
    await signUp(second.subject.id, ["terms", "analytics"]);
    expect(await deliverOutbox({ auth0, batchSize: 50 })).toMatchObject({ delivered: 1, failed: 0 });
    expect((await auth0User(second.auth0UserId))?.user_metadata?.consent).toEqual(
      await readConsentMetadata(second.subject.id),
    );
  });

  it("flags the Auth0 user as deleted, every consent withdrawn, when the required consent is withdrawn under the flag policy", async () => {
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
    const { subject, auth0UserId } = await personInAuth0();
    await signUp(subject.id, ["terms", "marketing-email"]);
    await withdrawConsent({ subjectId: subject.id, purposes: ["terms"] }, PERSON);
    await drain();
    const user = await auth0User(auth0UserId);
    expect(user?.app_metadata).toMatchObject({ deleted: true });
    expect(user?.user_metadata?.consent).toMatchObject({
      given: false,
      // Closing the account withdraws the optional consents too (issue 16), and Auth0 says so.
      purposes: { terms: false, "marketing-email": false },
    });
  });

  it("deletes the Auth0 user when the withdrawal policy says delete", async () => {
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "delete" }, systemActor("test"));
    try {
      const { subject, auth0UserId } = await personInAuth0();
      await signUp(subject.id, ["terms"]);
      await withdrawConsent({ subjectId: subject.id, purposes: ["terms"] }, PERSON);
      await drain();
      expect(await auth0User(auth0UserId)).toBeUndefined();
      const kinds = await db().outboxMessage.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
      expect(kinds.map((message) => [message.kind, message.status])).toEqual([
        ["sync_consent", "delivered"],
        ["delete_user", "delivered"],
      ]);
    } finally {
      await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
    }
  });

  it("deletes an erased subject's Auth0 user whatever the withdrawal policy, and forgets its id", async () => {
    for (const policy of ["delete", "flag"] as const) {
      await changeWithdrawalPolicy({ onRequiredWithdrawal: policy }, systemActor("test"));
      const { subject, auth0UserId } = await personInAuth0();
      await signUp(subject.id, ["terms"]);
      await eraseSubject({ subjectId: subject.id }, PERSON);
      await drain();
      expect(await auth0User(auth0UserId)).toBeUndefined();
      const messages = await db().outboxMessage.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
      expect(messages.map((message) => [message.kind, message.status])).toEqual([
        ["sync_consent", "skipped"],
        ["delete_user", "delivered"],
      ]);
      expect(messages.every((message) => message.auth0UserId === null)).toBe(true);
    }
    await changeWithdrawalPolicy({ onRequiredWithdrawal: "flag" }, systemActor("test"));
  });

  it("reactivates a closed account when staff record a new grant of the required consent on the person's behalf", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    await signUp(subject.id, ["terms", "analytics"]);
    await withdrawConsent({ subjectId: subject.id, purposes: ["terms"] }, PERSON);
    await drain();
    expect((await auth0User(auth0UserId))?.app_metadata).toMatchObject({ deleted: true });

    const current = await readCurrentPolicyVersions();
    const grantTerms = () =>
      recordOnBehalf(
        {
          subjectId: subject.id,
          purpose: "terms",
          decision: "grant",
          channel: "paper",
          reason: "Signed form of 4 Dec asking to reopen the account",
          policyVersionIds: [current.terms!.id, current.privacy!.id],
          idempotencyKey: randomUUID(),
        },
        adminActor("auth0|reactivating-admin"),
      );
    await grantTerms();
    await drain();
    const user = await auth0User(auth0UserId);
    // Sign-in is no longer refused; optional consents stay withdrawn until the person gives them again.
    expect(user?.app_metadata).not.toHaveProperty("deleted");
    expect(user?.user_metadata.consent).toMatchObject({ given: true, purposes: { terms: true, analytics: false } });

    // Closed and reopened again before the worker runs: Auth0 ends as the ledger says, open.
    await withdrawConsent({ subjectId: subject.id, purposes: ["terms"] }, PERSON);
    await grantTerms();
    await drain();
    expect((await auth0User(auth0UserId))?.app_metadata).not.toHaveProperty("deleted");
    const kinds = await db().outboxMessage.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
    expect(kinds.map((message) => message.kind)).toEqual([
      "sync_consent",
      "flag_deleted",
      "reactivate_user",
      "flag_deleted",
      "reactivate_user",
    ]);
  });

  it("is idempotent: delivering an already-delivered state again changes nothing", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    await signUp(subject.id, ["terms"]);
    await drain();
    const before = await auth0User(auth0UserId);
    // Re-queue the same message as if a worker had crashed after the PATCH but before recording it.
    await db().outboxMessage.updateMany({
      where: { subjectId: subject.id },
      data: { status: "pending", nextAttemptAt: new Date(0) },
    });
    await drain();
    expect((await auth0User(auth0UserId))?.user_metadata).toEqual(before?.user_metadata);
  });

  it("claims for OUTBOX_LEASE_MS only, renewed for the messages still to deliver: a crashed worker's batch comes back within it", async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => personInAuth0()));
    for (const { subject } of people) await signUp(subject.id, ["terms"]);
    const ids = people.map((person) => person.subject.id);
    // Each delivery takes a while, so the batch is seen mid-way.
    emulator.faults.configure({ latencyMs: 1_000 });
    const leases = async () =>
      (
        await db().outboxMessage.findMany({
          where: { subjectId: { in: ids }, status: "pending", lockedUntil: { not: null } },
          select: { subjectId: true, lockedUntil: true },
        })
      ).map((row) => ({ subjectId: row.subjectId, msLeft: row.lockedUntil!.getTime() - Date.now() }));
    const delivering = deliverOutbox({ auth0, batchSize: 3 });
    const seen: Array<Array<{ subjectId: string; msLeft: number }>> = [];
    let done = false;
    void delivering.finally(() => (done = true));
    while (!done) {
      seen.push(await leases());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await delivering).delivered).toBe(3);
    const all = seen.flat();
    expect(all.length).toBeGreaterThan(0);
    // Never claimed for longer than the lease (plus the clocks' and the poll's slack).
    expect(Math.max(...all.map((lease) => lease.msLeft))).toBeLessThanOrEqual(OUTBOX_LEASE_MS + 1_000);
    // The message delivered last still had most of a lease when its turn came: renewed, not left to run out.
    // Unrenewed, it would have lost the two earlier deliveries' 2 s.
    const lastTurn = seen.filter((sample) => sample.length > 0).at(-1)!;
    expect(lastTurn).toHaveLength(1);
    expect(lastTurn[0]!.msLeft).toBeGreaterThan(OUTBOX_LEASE_MS - 1_500);
  });

  it("never lets two workers claim the same message", async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => personInAuth0()));
    for (const { subject } of people) await signUp(subject.id, ["terms"]);
    // Two workers side by side until everything is delivered; a row one worker holds is skipped
    // by the other (SKIP LOCKED), so each message is attempted exactly once.
    let claimed = 0;
    for (
      let round = 0;
      round < 20 && (await db().outboxMessage.count({ where: { status: "pending" } })) > 0;
      round += 1
    ) {
      const reports = await Promise.all([
        deliverOutbox({ auth0, batchSize: 2 }),
        deliverOutbox({ auth0, batchSize: 2 }),
      ]);
      claimed += reports.reduce((sum, report) => sum + report.claimed, 0);
    }
    expect(claimed).toBe(6);
    const messages = await db().outboxMessage.findMany({
      where: { subjectId: { in: people.map((person) => person.subject.id) } },
      select: { attempts: true, status: true },
    });
    expect(messages).toHaveLength(6);
    expect(messages.every((row) => row.attempts === 1 && row.status === "delivered")).toBe(true);
  });
});

describe("runOutboxWorker", () => {
  it("delivers in the background and stops when aborted", async () => {
    const { subject, auth0UserId } = await personInAuth0();
    const controller = new AbortController();
    const worker = runOutboxWorker({ signal: controller.signal, auth0, intervalMs: 25 });
    await signUp(subject.id, ["terms", "analytics"]);
    const deadline = Date.now() + 10_000;
    while ((await auth0User(auth0UserId))?.user_metadata?.consent === undefined) {
      if (Date.now() > deadline) throw new Error("worker did not deliver");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    controller.abort();
    await worker;
    expect((await auth0User(auth0UserId))?.user_metadata?.consent).toEqual(await readConsentMetadata(subject.id));
  });
});
