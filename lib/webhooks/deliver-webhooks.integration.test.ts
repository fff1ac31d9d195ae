// Webhooks end to end: the ledger's transaction queues deliveries, deliverWebhooks sends them to a
// real local HTTP server, which verifies them with the `standardwebhooks` package as any
// receiver would (issue 14, ADR 034).
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { grantConsent } from "@/lib/consent/grant-consent";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { readCurrentPolicyVersions } from "@/lib/policies/read-policy-versions";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import { adminActor, PERSON } from "@/test/actors";
import { newSignedUpSubject, newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import { expectFailingAuditToAbort } from "@/test/failing-audit";
import { asOwner } from "@/test/owner-database";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "@/test/webhook-receiver";
import { deliverWebhooks, type WebhookRetryPolicy } from "./deliver-webhooks";
import { readWebhookDeliveries, readWebhookEndpoint } from "./read-webhook-endpoints";
import { registerWebhookEndpoint } from "./register-webhook-endpoint";
import { replayWebhookDelivery } from "./replay-webhook-delivery";
import { rotateWebhookSecret } from "./rotate-webhook-secret";
import type { WebhookEventType } from "./schemas";
import { disableWebhookEndpoint, enableWebhookEndpoint } from "./set-webhook-endpoint-enabled";

// The receiver listens on 127.0.0.1: private addresses are allowed here, as in local development.
process.env.WEBHOOK_ALLOW_PRIVATE = "true";

const ADMIN = adminActor("auth0|webhook-admin");
/** Waits of minutes, so a test can see them grow; `fastForward` stands in for the passing time. */
const RETRY: WebhookRetryPolicy = { baseDelayMs: 60_000, maxDelayMs: 3_600_000, giveUpAfterMs: 3 * 86_400_000 };

let receiver: WebhookReceiver;

beforeAll(async () => {
  await seedCatalog();
});

afterEach(async () => {
  // Each test has its own endpoint and receiver: the next test must not hear from this one's.
  for (const endpoint of await db().webhookEndpoint.findMany({ where: { disabledAt: null } })) {
    await disableWebhookEndpoint({ endpointId: endpoint.id, reason: "test over" }, ADMIN);
  }
  await receiver?.close();
});

afterAll(async () => {
  await receiver?.close();
});

async function register(events: WebhookEventType[]) {
  receiver = await startWebhookReceiver();
  return registerWebhookEndpoint({ url: receiver.url, events, description: "test receiver" }, ADMIN);
}

/** Makes the endpoint's waiting deliveries due now: stands in for the backoff's passing. */
async function fastForward(endpointId: string) {
  await db().webhookDelivery.updateMany({
    where: { endpointId, status: "pending" },
    data: { nextAttemptAt: new Date(0) },
  });
}

const pendingFor = (endpointId: string) => db().webhookDelivery.count({ where: { endpointId, status: "pending" } });

/** Delivers until nothing is pending for the endpoint (bounded). */
async function drain(endpointId: string, maxRounds = 30) {
  for (let round = 0; round < maxRounds; round += 1) {
    if ((await pendingFor(endpointId)) === 0) return;
    await deliverWebhooks({ retry: RETRY, batchSize: 10 });
    await fastForward(endpointId);
  }
  throw new Error("webhook deliveries did not drain");
}

/** What a receiver does with the package: throws unless a signature matches the secret. */
function verify(secret: string, request: ReceivedWebhook) {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; data: Record<string, unknown> };
}

describe("webhook deliveries", () => {
  it("are signed per Standard Webhooks: the receiver verifies them with its secret, and nothing else verifies", async () => {
    const { endpoint, secret } = await register(["consent.granted", "consent.withdrawn"]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const subject = await newSignedUpSubject("signed", ["terms", "analytics"]);
    await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"] }, PERSON);
    await drain(endpoint.id);

    expect(receiver.received.map((request) => [request.type, request.data.purpose])).toEqual([
      ["consent.granted", "analytics"],
      ["consent.granted", "terms"],
      ["consent.withdrawn", "analytics"],
    ]);
    for (const request of receiver.received) {
      expect(request.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(request.headers["content-type"]).toBe("application/json");
      const verified = verify(secret, request);
      expect(verified.data).toMatchObject({ subjectId: subject.id, actorType: "self" });
    }
    const [first] = receiver.received;
    // A body changed on the way, or another endpoint's secret, does not verify.
    expect(() => verify(secret, { ...first!, body: first!.body.replace("analytics", "marketing") })).toThrow(
      WebhookVerificationError,
    );
    const other = await registerWebhookEndpoint({ url: receiver.url, events: ["policy.published"] }, ADMIN);
    expect(() => verify(other.secret, first!)).toThrow(WebhookVerificationError);

    const log = await readWebhookDeliveries({ endpointId: endpoint.id });
    expect(log.map((entry) => [entry.eventType, entry.status, entry.attempts, entry.lastStatusCode])).toEqual([
      ["consent.withdrawn", "delivered", 1, 204],
      ["consent.granted", "delivered", 1, 204],
      ["consent.granted", "delivered", 1, 204],
    ]);
  });

  it("announce erasures and policy publications, and only the events an endpoint chose", async () => {
    const { endpoint, secret } = await register(["subject.erased", "policy.published"]);
    const subject = await newSignedUpSubject("erased", ["terms"]);
    await eraseSubject({ subjectId: subject.id }, PERSON);
    const version = await publishPolicyVersion(
      { kind: "privacy", version: "webhook-2", title: "Privacy", url: "/policies/privacy/webhook-2", text: "p2" },
      ADMIN,
    );
    await drain(endpoint.id);
    const bodies = receiver.received.map((request) => verify(secret, request));
    expect(bodies).toEqual([
      {
        type: "subject.erased",
        timestamp: expect.any(String) as unknown,
        data: expect.objectContaining({ subjectId: subject.id }) as unknown,
      },
      {
        type: "policy.published",
        timestamp: version.publishedAt.toISOString(),
        data: expect.objectContaining({
          policyVersionId: version.id,
          kind: "privacy",
          version: "webhook-2",
        }) as unknown,
      },
    ]);
  });

  it("are written in the ledger event's transaction: no event, no delivery", async () => {
    const { endpoint } = await register(["consent.granted"]);
    const subject = await newSubject("rolled-back");
    const current = await readCurrentPolicyVersions();
    await expect(
      db().$transaction(async (tx) => {
        await grantConsent(
          {
            subjectId: subject.id,
            purposes: ["terms"],
            policyVersionIds: [current.terms!.id, current.privacy!.id],
            method: "signup",
          },
          PERSON,
          tx,
        );
        expect(await tx.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
        throw new Error("the request failed after recording");
      }),
    ).rejects.toThrow("the request failed after recording");
    expect(await db().webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
  });

  it("are retried with growing waits while the endpoint fails, then delivered once it answers 2xx", async () => {
    const { endpoint, secret } = await register(["consent.granted"]);
    receiver.answer = (_request, index) => (index < 3 ? 503 : 200);
    await newSignedUpSubject("retried", ["terms"]);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await deliverWebhooks({ retry: RETRY })).toMatchObject({ claimed: 1, retrying: 1, delivered: 0 });
      const [row] = await readWebhookDeliveries({ endpointId: endpoint.id });
      expect(row).toMatchObject({
        status: "pending",
        attempts: attempt,
        lastStatusCode: 503,
        lastError: "answered HTTP 503",
      });
      waits.push(row!.nextAttemptAt.getTime() - row!.lastAttemptAt!.getTime());
      // Not due yet: another run leaves it alone.
      expect((await deliverWebhooks({ retry: RETRY })).claimed).toBe(0);
      await fastForward(endpoint.id);
    }
    // Exponential with jitter (half to all of base·2ⁿ⁻¹): every wait is longer than the one two before it.
    expect(waits[0]).toBeGreaterThanOrEqual(30_000);
    expect(waits[0]).toBeLessThanOrEqual(60_000 + 1_000);
    expect(waits[2]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThanOrEqual(120_000);
    expect(await deliverWebhooks({ retry: RETRY })).toMatchObject({ delivered: 1 });
    const [row] = await readWebhookDeliveries({ endpointId: endpoint.id });
    expect(row).toMatchObject({ status: "delivered", attempts: 4, lastStatusCode: 200, lastError: null });
    // Every attempt carried the same message id, and each one verifies.
    expect(new Set(receiver.received.map((request) => request.headers["webhook-id"])).size).toBe(1);
    for (const request of receiver.received) verify(secret, request);
    expect(await readWebhookEndpoint(endpoint.id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it("give up after 3 days of failures, and an admin can replay a delivery", async () => {
    const { endpoint } = await register(["consent.granted"]);
    receiver.answer = () => 500;
    await newSignedUpSubject("given-up", ["terms"]);
    // Queued 3 days ago (as the owner: the portal's role cannot rewrite a delivery's creation time).
    await asOwner((owner) =>
      owner.query(
        `UPDATE "WebhookDelivery" SET created_at = now() - interval '3 days 1 minute' WHERE endpoint_id = $1`,
        [endpoint.id],
      ),
    );
    expect(await deliverWebhooks()).toMatchObject({ claimed: 1, failed: 1 });
    const [given] = await readWebhookDeliveries({ endpointId: endpoint.id });
    expect(given).toMatchObject({ status: "failed", attempts: 1, lastError: "answered HTTP 500" });

    receiver.answer = () => 200;
    const replay = await replayWebhookDelivery({ deliveryId: given!.id }, ADMIN);
    await drain(endpoint.id);
    const log = await readWebhookDeliveries({ endpointId: endpoint.id });
    expect(log.map((entry) => [entry.status, entry.replayOf])).toEqual([
      ["delivered", given!.id],
      ["failed", null],
    ]);
    expect(log[0]!.id).toBe(replay.id);
    expect(receiver.received.map((request) => request.headers["webhook-id"])).toEqual([
      given!.messageId,
      given!.messageId,
    ]);
    const change = await db().adminChange.findFirst({ where: { action: "webhook.replay", target: given!.id } });
    expect(change).toMatchObject({ actorId: ADMIN.id, after: { replayDeliveryId: replay.id } });
  });

  it("disable an endpoint whose every attempt failed for 24 hours; the admin sees why; enabling resumes in order", async () => {
    const { endpoint } = await register(["consent.granted", "consent.withdrawn"]);
    receiver.answer = () => 500;
    const subject = await newSignedUpSubject("disabled", ["terms", "analytics"]);
    expect(await deliverWebhooks({ retry: RETRY })).toMatchObject({ retrying: 1, disabledEndpoints: 0 });
    // The run of failures began 24 hours ago: stands in for a day of failed retries.
    await db().webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { failingSince: new Date(Date.now() - 24 * 3_600_000 - 60_000) },
    });
    await fastForward(endpoint.id);
    expect(await deliverWebhooks({ retry: RETRY })).toMatchObject({ retrying: 1, disabledEndpoints: 1 });
    const disabled = await readWebhookEndpoint(endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(disabled!.disabledReason).toMatch(/every delivery failed for 24 hours \(2 attempts in a row\)/);
    expect(disabled!.disabledReason).toContain("answered HTTP 500");
    expect(
      await db().adminChange.findFirst({ where: { action: "webhook.disable", target: endpoint.id } }),
    ).toMatchObject({
      actorType: "system",
      actorId: "webhook-delivery",
    });

    // Disabled: what was queued waits, and nothing new is queued.
    await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"] }, PERSON);
    await fastForward(endpoint.id);
    expect((await deliverWebhooks({ retry: RETRY })).claimed).toBe(0);
    expect(await pendingFor(endpoint.id)).toBe(2);

    receiver.answer = () => 200;
    await enableWebhookEndpoint({ endpointId: endpoint.id }, ADMIN);
    await drain(endpoint.id);
    const delivered = receiver.received.filter((request) => request.answered === 200);
    expect(delivered.map((request) => [request.type, request.data.purpose])).toEqual([
      ["consent.granted", "analytics"],
      ["consent.granted", "terms"],
    ]);
    expect(await readWebhookEndpoint(endpoint.id)).toMatchObject({ enabled: true, disabledReason: null });
  });

  it("reach an endpoint in order per person: a later event waits while an earlier one fails, other people go on", async () => {
    const { endpoint } = await register(["consent.granted", "consent.withdrawn"]);
    const first = await newSubject("ordered-first");
    const second = await newSubject("ordered-second");
    // The first person's first event fails twice.
    let failuresLeft = 2;
    receiver.answer = (request) => {
      if (request.data.subjectId === first.id && request.data.seq === 1 && failuresLeft > 0) {
        failuresLeft -= 1;
        return 503;
      }
      return 200;
    };
    await signUp(first.id, ["terms"]);
    await grantConsent(
      {
        subjectId: first.id,
        purposes: ["marketing-email"],
        policyVersionIds: [(await readCurrentPolicyVersions()).privacy!.id],
        method: "portal",
      },
      PERSON,
    );
    await withdrawConsent({ subjectId: first.id, purposes: ["marketing-email"] }, PERSON);
    await signUp(second.id, ["terms", "analytics"]);

    // Two workers side by side, round after round, as two portal instances would run them.
    for (let round = 0; round < 20 && (await pendingFor(endpoint.id)) > 0; round += 1) {
      await Promise.all([
        deliverWebhooks({ retry: RETRY, batchSize: 2 }),
        deliverWebhooks({ retry: RETRY, batchSize: 2 }),
      ]);
      await fastForward(endpoint.id);
    }
    const seen = (subjectId: string) =>
      receiver.received
        .filter((request) => request.data.subjectId === subjectId)
        .map((request) => [request.data.seq, request.answered]);
    expect(seen(first.id)).toEqual([
      [1, 503],
      [1, 503],
      [1, 200],
      [2, 200],
      [3, 200],
    ]);
    expect(seen(second.id)).toEqual([
      [1, 200],
      [2, 200],
    ]);
    // The second person was not held up by the first one's failures.
    const secondDone = receiver.received.findIndex(
      (request) => request.data.subjectId === second.id && request.data.seq === 2,
    );
    const firstRecovered = receiver.received.findIndex(
      (request) => request.data.subjectId === first.id && request.answered === 200,
    );
    expect(secondDone).toBeLessThan(firstRecovered);
  });

  it("carry both signatures during a secret rotation's overlap, and only the new one after it", async () => {
    const { endpoint, secret: oldSecret } = await register(["consent.granted"]);
    const { secret: newSecret, previousSecretExpiresAt } = await rotateWebhookSecret(
      { endpointId: endpoint.id, overlapHours: 1 },
      ADMIN,
    );
    expect(newSecret).not.toBe(oldSecret);
    expect(previousSecretExpiresAt.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    await newSignedUpSubject("rotation-overlap", ["terms"]);
    await drain(endpoint.id);
    const during = receiver.received.at(-1)!;
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    // A receiver still on the old secret and one already on the new one both accept it.
    expect(verify(oldSecret, during).type).toBe("consent.granted");
    expect(verify(newSecret, during).type).toBe("consent.granted");

    // The overlap is over: stands in for the hour passing.
    await db().webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { previousSecretExpiresAt: new Date(Date.now() - 1_000) },
    });
    await newSignedUpSubject("rotation-after", ["terms"]);
    await drain(endpoint.id);
    const after = receiver.received.at(-1)!;
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verify(newSecret, after).type).toBe("consent.granted");
    expect(() => verify(oldSecret, after)).toThrow(WebhookVerificationError);
    const change = await db().adminChange.findFirst({
      where: { action: "webhook.rotate_secret", target: endpoint.id },
    });
    expect(JSON.stringify(change)).not.toContain(newSecret.slice(6));
  });
});

describe("webhook endpoints", () => {
  it("refuse URLs that are not http(s)", async () => {
    receiver = await startWebhookReceiver();
    for (const url of ["ftp://example.com/hook", "file:///etc/passwd", "javascript:alert(1)", "not a url"]) {
      await expect(registerWebhookEndpoint({ url, events: ["consent.granted"] }, ADMIN), url).rejects.toMatchObject({
        code: "validation_failed",
        field: "url",
      });
    }
  });

  it("keep secrets sealed and out of the audit log", async () => {
    const { endpoint, secret } = await register(["consent.granted"]);
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(Buffer.from(row.secretSealed).toString("base64")).not.toContain(secret.slice(6, 20));
    const change = await db().adminChange.findFirstOrThrow({
      where: { action: "webhook.register", target: endpoint.id },
    });
    expect(change).toMatchObject({ actorId: ADMIN.id, after: { url: receiver.url, events: ["consent.granted"] } });
    expect(JSON.stringify(change)).not.toContain(secret.slice(6));
  });

  it("are not registered or rotated when the audit write fails", async () => {
    receiver = await startWebhookReceiver();
    const before = await db().webhookEndpoint.count();
    await expectFailingAuditToAbort(() =>
      registerWebhookEndpoint({ url: receiver.url, events: ["consent.granted"] }, ADMIN),
    );
    expect(await db().webhookEndpoint.count()).toBe(before);
    const { endpoint } = await registerWebhookEndpoint({ url: receiver.url, events: ["consent.granted"] }, ADMIN);
    const sealed = (await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).secretSealed;
    await expectFailingAuditToAbort(() => rotateWebhookSecret({ endpointId: endpoint.id }, ADMIN));
    const after = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(Buffer.from(after.secretSealed).equals(Buffer.from(sealed))).toBe(true);
    expect(after.previousSecretSealed).toBeNull();
  });
});
