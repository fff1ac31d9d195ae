import "server-only";
import { appendAdminChange } from "@/lib/admin/append-admin-change";
import { systemActor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { sendWebhook } from "./send-webhook";
import { openWebhookSecret, signWebhook } from "./webhook-secret";

export interface WebhookRetryPolicy {
  /** Wait after the first failure; doubles with each further one (with jitter). */
  baseDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
  /** A delivery still failing this long after it was queued is given up (status `failed`). */
  giveUpAfterMs: number;
}

/** 5 s, 10 s, 20 s… up to 6 h between attempts, for 3 days: about 25 attempts (ADR 034). */
const DEFAULT_RETRY_POLICY: WebhookRetryPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 6 * 3_600_000,
  giveUpAfterMs: 3 * 24 * 3_600_000,
};

/** An endpoint whose every attempt has failed for this long is disabled (ADR 034). */
const DISABLE_AFTER_FAILING_MS = 24 * 3_600_000;

export interface DeliverWebhooksOptions {
  batchSize?: number;
  /** How long a claim lasts; a crashed worker's deliveries are picked up again after it. */
  leaseMs?: number;
  timeoutMs?: number;
  retry?: WebhookRetryPolicy;
  disableAfterFailingMs?: number;
}

export interface WebhookDeliveryReport {
  claimed: number;
  delivered: number;
  /** Will be tried again. */
  retrying: number;
  /** Given up after the retry window. */
  failed: number;
  /** Endpoints disabled by this run. */
  disabledEndpoints: number;
}

interface ClaimedDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  url: string;
  secretSealed: Uint8Array;
  previousSecretSealed: Uint8Array | null;
  previousSecretExpiresAt: Date | null;
}

/**
 * Claims due deliveries with a lease: only the oldest pending delivery of each (endpoint,
 * subject) can be claimed, so a later event for a person never overtakes an earlier one, even
 * across workers (the earlier one, leased or waiting for its retry, is still pending). Disabled
 * endpoints' deliveries wait.
 */
async function claimDueDeliveries(batchSize: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return db().$queryRaw<ClaimedDelivery[]>`
    WITH due AS (
      SELECT d.id FROM "WebhookDelivery" d
      JOIN "WebhookEndpoint" e ON e.id = d.endpoint_id AND e.disabled_at IS NULL
      WHERE d.status = 'pending' AND d.next_attempt_at <= now()
        AND (d.locked_until IS NULL OR d.locked_until < now())
        AND NOT EXISTS (
          SELECT 1 FROM "WebhookDelivery" earlier
          WHERE earlier.endpoint_id = d.endpoint_id AND earlier.ordering_key = d.ordering_key
            AND earlier.status = 'pending' AND earlier.seq < d.seq)
      ORDER BY d.seq
      LIMIT ${batchSize}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d
    SET locked_until = now() + ${leaseMs}::int * interval '1 millisecond', attempts = d.attempts + 1,
      last_attempt_at = now()
    FROM due, "WebhookEndpoint" e
    WHERE d.id = due.id AND e.id = d.endpoint_id
    RETURNING d.id, d.endpoint_id AS "endpointId", d.message_id AS "messageId", d.payload, d.attempts,
      d.created_at AS "createdAt", e.url, e.secret_sealed AS "secretSealed",
      e.previous_secret_sealed AS "previousSecretSealed", e.previous_secret_expires_at AS "previousSecretExpiresAt"`;
}

/** The secrets that sign now: the current one, and the previous one during a rotation's overlap. */
function signingSecrets(delivery: ClaimedDelivery, now: Date): string[] {
  const secrets = [openWebhookSecret(delivery.endpointId, delivery.secretSealed)];
  if (delivery.previousSecretSealed && delivery.previousSecretExpiresAt && delivery.previousSecretExpiresAt > now) {
    secrets.push(openWebhookSecret(delivery.endpointId, delivery.previousSecretSealed));
  }
  return secrets;
}

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function attempt(delivery: ClaimedDelivery, timeoutMs: number, allowPrivate: boolean): Promise<Attempt> {
  const now = new Date();
  // The body is signed byte for byte; the same text is sent.
  const body = JSON.stringify(delivery.payload);
  try {
    const response = await sendWebhook({
      url: delivery.url,
      body,
      headers: {
        "webhook-id": delivery.messageId,
        "webhook-timestamp": Math.floor(now.getTime() / 1000).toString(),
        "webhook-signature": signWebhook(signingSecrets(delivery, now), delivery.messageId, now, body),
      },
      timeoutMs,
      allowPrivate,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `answered HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return { ok: false, status: null, error: error instanceof Error ? `${error.message}${cause}` : String(error) };
  }
}

function backoff(attempts: number, retry: WebhookRetryPolicy): number {
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.min(attempts - 1, 30));
  return exponential / 2 + Math.random() * (exponential / 2);
}

async function recordSuccess(delivery: ClaimedDelivery, status: number): Promise<void> {
  await db().$transaction([
    db().webhookDelivery.updateMany({
      where: { id: delivery.id, status: "pending" },
      data: {
        status: "delivered",
        deliveredAt: new Date(),
        lastStatusCode: status,
        lastError: null,
        lockedUntil: null,
      },
    }),
    db().webhookEndpoint.updateMany({
      where: { id: delivery.endpointId, consecutiveFailures: { gt: 0 } },
      data: { consecutiveFailures: 0, failingSince: null },
    }),
  ]);
}

/**
 * Records a failed attempt: the delivery is retried with backoff, or given up once the retry
 * window is over. The endpoint's failure run grows; when every attempt has failed for
 * `disableAfterMs`, the endpoint is disabled, with the reason the admin page shows and an
 * AdminChange by the system.
 */
async function recordFailure(
  delivery: ClaimedDelivery,
  result: Extract<Attempt, { ok: false }>,
  options: { retry: WebhookRetryPolicy; disableAfterMs: number },
): Promise<{ gaveUp: boolean; disabled: boolean }> {
  const now = Date.now();
  const gaveUp = now - delivery.createdAt.getTime() >= options.retry.giveUpAfterMs;
  const error = result.error.slice(0, 500);
  return db().$transaction(async (tx) => {
    await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, status: "pending" },
      data: {
        ...(gaveUp
          ? { status: "failed" }
          : { nextAttemptAt: new Date(now + backoff(delivery.attempts, options.retry)) }),
        lastStatusCode: result.status,
        lastError: error,
        lockedUntil: null,
      },
    });
    const [endpoint] = await tx.$queryRaw<
      { failingSince: Date; consecutiveFailures: number; disabledAt: Date | null }[]
    >`
      UPDATE "WebhookEndpoint"
      SET consecutive_failures = consecutive_failures + 1, failing_since = COALESCE(failing_since, now())
      WHERE id = ${delivery.endpointId}::uuid
      RETURNING failing_since AS "failingSince", consecutive_failures AS "consecutiveFailures", disabled_at AS "disabledAt"`;
    if (!endpoint || endpoint.disabledAt || now - endpoint.failingSince.getTime() < options.disableAfterMs) {
      return { gaveUp, disabled: false };
    }
    const hours = Math.round((now - endpoint.failingSince.getTime()) / 3_600_000);
    const reason =
      `Disabled automatically: every delivery failed for ${hours} hour${hours === 1 ? "" : "s"} ` +
      `(${endpoint.consecutiveFailures} attempts in a row). Last error: ${error}.`;
    await tx.webhookEndpoint.update({
      where: { id: delivery.endpointId },
      data: { disabledAt: new Date(now), disabledReason: reason },
    });
    await appendAdminChange(
      { action: "webhook.disable", target: delivery.endpointId, after: { reason } },
      systemActor("webhook-delivery"),
      tx,
    );
    return { gaveUp, disabled: true };
  });
}

/**
 * Delivers due webhook deliveries (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), at least once, in order per endpoint and person. A 2xx answer delivers;
 * anything else (other status, timeout, refused address) is retried with exponential backoff
 * for 3 days.
 */
export async function deliverWebhooks(options: DeliverWebhooksOptions = {}): Promise<WebhookDeliveryReport> {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const disableAfterMs = options.disableAfterFailingMs ?? DISABLE_AFTER_FAILING_MS;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const allowPrivate = env().WEBHOOK_ALLOW_PRIVATE;
  // A batch is sent side by side and each request ends within timeoutMs: a lease of three times
  // that outlasts it, and brings back what a crashed worker held soon after (issue 17).
  const deliveries = await claimDueDeliveries(options.batchSize ?? 25, options.leaseMs ?? timeoutMs * 3);
  const report: WebhookDeliveryReport = {
    claimed: deliveries.length,
    delivered: 0,
    retrying: 0,
    failed: 0,
    disabledEndpoints: 0,
  };
  // Side by side: one slow endpoint must not hold up the others' deliveries for a whole batch.
  await Promise.all(
    deliveries.map(async (delivery) => {
      const result = await attempt(delivery, timeoutMs, allowPrivate);
      if (result.ok) {
        await recordSuccess(delivery, result.status);
        report.delivered += 1;
        return;
      }
      const { gaveUp, disabled } = await recordFailure(delivery, result, { retry, disableAfterMs });
      report[gaveUp ? "failed" : "retrying"] += 1;
      if (disabled) report.disabledEndpoints += 1;
    }),
  );
  return report;
}
