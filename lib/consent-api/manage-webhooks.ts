import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { inTransaction } from "@/lib/db/transaction";
import { AppError, parseInput } from "@/lib/errors";
import type { WebhookEndpoint } from "@/lib/generated/prisma/client";
import { appendAccessLog } from "@/lib/ledger/append-access-log";
import type { AccessLogEntry } from "@/lib/ledger/schemas";
import { DELIVERY_LOG_FIELDS, type WebhookDeliveryLogEntry } from "@/lib/webhooks/read-webhook-endpoints";
import { registerWebhookEndpoint } from "@/lib/webhooks/register-webhook-endpoint";
import { replayWebhookDelivery } from "@/lib/webhooks/replay-webhook-delivery";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";
import { disableWebhookEndpoint, enableWebhookEndpoint } from "@/lib/webhooks/set-webhook-endpoint-enabled";
import { toWebhookEndpointView } from "@/lib/webhooks/webhook-endpoint-view";
import { claimIdempotencyKey, parseIdempotencyKey, storeIdempotentAnswer } from "./api-idempotency";
import type { ApiAnswer } from "./record-consent-decisions";
import {
  registerWebhookRequestSchema,
  rotateWebhookSecretRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveriesQuerySchema,
  type ApiWebhookDelivery,
  type ApiWebhookEndpoint,
  type RegisteredWebhook,
  type RegisterWebhookRequest,
  type RotatedWebhookSecret,
} from "./schemas";

// The webhook endpoints of the consent API (scope webhooks:manage): the admin page's use cases
// (lib/webhooks, ADR 034) called with the API client as the actor, so each change has the same
// AdminChange row; every call also has its AccessLog row, in the same transaction.

/** An idempotent API write, as the request names it. */
export interface ApiWriteRequest<B> {
  body: B;
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey?: string | null;
  /** What the key is bound to (`defineApiRoute` computes it). */
  requestSha256: string;
}

function endpointBody(row: WebhookEndpoint, counts: { pending: number; failed: number }): ApiWebhookEndpoint {
  const view = toWebhookEndpointView(row);
  return {
    id: view.id,
    url: view.url,
    description: view.description,
    events: view.events as ApiWebhookEndpoint["events"],
    createdAt: view.createdAt.toISOString(),
    enabled: view.enabled,
    disabledAt: view.disabledAt?.toISOString() ?? null,
    disabledReason: view.disabledReason,
    failingSince: view.failingSince?.toISOString() ?? null,
    consecutiveFailures: view.consecutiveFailures,
    previousSecretExpiresAt: view.previousSecretExpiresAt?.toISOString() ?? null,
    ...counts,
  };
}

function deliveryBody(row: WebhookDeliveryLogEntry): ApiWebhookDelivery {
  return {
    id: row.id,
    messageId: row.messageId,
    eventType: row.eventType as ApiWebhookDelivery["eventType"],
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    replayOf: row.replayOf,
  };
}

/** Endpoints with their waiting and given-up counts, read in `tx`. */
async function readEndpoints(tx: Tx, endpointId?: string): Promise<ApiWebhookEndpoint[]> {
  const [rows, counts] = await Promise.all([
    tx.webhookEndpoint.findMany({ where: endpointId ? { id: endpointId } : {}, orderBy: { createdAt: "desc" } }),
    tx.webhookDelivery.groupBy({
      by: ["endpointId", "status"],
      where: { status: { in: ["pending", "failed"] }, ...(endpointId ? { endpointId } : {}) },
      _count: { _all: true },
    }),
  ]);
  const count = (id: string, status: string) =>
    counts.find((row) => row.endpointId === id && row.status === status)?._count._all ?? 0;
  return rows.map((row) => endpointBody(row, { pending: count(row.id, "pending"), failed: count(row.id, "failed") }));
}

async function readEndpointOrFail(tx: Tx, endpointId: string): Promise<ApiWebhookEndpoint> {
  const [endpoint] = await readEndpoints(tx, endpointId);
  if (!endpoint) throw new AppError("not_found", "No such webhook endpoint.");
  return endpoint;
}

/**
 * Runs an API write in one transaction with its access-log row and, when the request carries an
 * `Idempotency-Key`, its stored answer: the same key and request answer the first answer again
 * (409 for another request). `stored` is what is kept of the answer: never a secret in the clear.
 */
async function idempotentWrite<T>(
  request: { idempotencyKey?: string | null; requestSha256: string },
  actor: Actor,
  log: (body: T) => AccessLogEntry,
  run: (tx: Tx) => Promise<{ status: number; body: T }>,
  stored: (body: T) => T = (body) => body,
): Promise<ApiAnswer<T>> {
  if (actor.kind !== "api_client") throw new AppError("forbidden", "Only API clients call the consent API.");
  const key = parseIdempotencyKey(request.idempotencyKey);
  return inTransaction(undefined, async (tx) => {
    if (key !== undefined) {
      const first = await claimIdempotencyKey(actor, key, request.requestSha256, tx);
      if (first) {
        const body = first.body as T;
        const entry = log(body);
        await appendAccessLog(
          { ...entry, detail: { ...entry.detail, idempotencyKey: key, replayed: true } },
          actor,
          tx,
        );
        return { status: first.status, body, replayed: true };
      }
    }
    const answer = await run(tx);
    const entry = log(answer.body);
    await appendAccessLog(
      { ...entry, detail: { ...entry.detail, ...(key === undefined ? {} : { idempotencyKey: key }) } },
      actor,
      tx,
    );
    if (key !== undefined) await storeIdempotentAnswer(actor, key, { ...answer, body: stored(answer.body) }, tx);
    return { ...answer, replayed: false };
  });
}

/** Every endpoint, newest first (any admin's or client's: webhooks are the organisation's). */
export async function listApiWebhookEndpoints(actor: Actor): Promise<{ endpoints: ApiWebhookEndpoint[] }> {
  return inTransaction(undefined, async (tx) => {
    const endpoints = await readEndpoints(tx);
    await appendAccessLog({ action: "api.webhooks.read", detail: { endpoints: endpoints.length } }, actor, tx);
    return { endpoints };
  });
}

export async function readApiWebhookEndpoint(endpointId: string, actor: Actor): Promise<ApiWebhookEndpoint> {
  return inTransaction(undefined, async (tx) => {
    const endpoint = await readEndpointOrFail(tx, endpointId);
    await appendAccessLog({ action: "api.webhooks.read", detail: { endpointId } }, actor, tx);
    return endpoint;
  });
}

/** Registers an endpoint; the answer carries its secret once (a replayed answer carries null). */
export function registerApiWebhook(
  request: ApiWriteRequest<RegisterWebhookRequest>,
  actor: Actor,
): Promise<ApiAnswer<RegisteredWebhook>> {
  const body = parseInput(registerWebhookRequestSchema, request.body);
  return idempotentWrite<RegisteredWebhook>(
    request,
    actor,
    (answer) => ({ action: "api.webhooks.write", detail: { register: answer.endpoint.id } }),
    async (tx) => {
      const { endpoint, secret } = await registerWebhookEndpoint(body, actor, tx);
      return { status: 201, body: { endpoint: await readEndpointOrFail(tx, endpoint.id), secret } };
    },
    (answer) => ({ ...answer, secret: null }),
  );
}

/** Enables or disables an endpoint (setting the state it already has changes nothing). */
export function updateApiWebhook(
  request: ApiWriteRequest<unknown> & { endpointId: string },
  actor: Actor,
): Promise<ApiAnswer<ApiWebhookEndpoint>> {
  const body = parseInput(updateWebhookRequestSchema, request.body);
  return idempotentWrite(
    request,
    actor,
    () => ({ action: "api.webhooks.write", detail: { endpointId: request.endpointId, enabled: body.enabled } }),
    async (tx) => {
      if (body.enabled) await enableWebhookEndpoint({ endpointId: request.endpointId }, actor, tx);
      else {
        const reason = body.reason ?? `Disabled through the API by ${actor.displayName}.`;
        await disableWebhookEndpoint({ endpointId: request.endpointId, reason }, actor, tx);
      }
      return { status: 200, body: await readEndpointOrFail(tx, request.endpointId) };
    },
  );
}

/** A new secret, the previous one signing beside it for `overlapHours`. */
export function rotateApiWebhookSecret(
  request: ApiWriteRequest<unknown> & { endpointId: string },
  actor: Actor,
): Promise<ApiAnswer<RotatedWebhookSecret>> {
  const body = parseInput(rotateWebhookSecretRequestSchema, request.body ?? {});
  return idempotentWrite<RotatedWebhookSecret>(
    request,
    actor,
    () => ({ action: "api.webhooks.write", detail: { endpointId: request.endpointId, rotateSecret: true } }),
    async (tx) => {
      const rotated = await rotateWebhookSecret({ endpointId: request.endpointId, ...body }, actor, tx).catch(
        (error: unknown) => {
          // The use case names its input field; the API names the endpoint in the path.
          if (error instanceof AppError && error.code === "not_found") throw new AppError("not_found", error.message);
          throw error;
        },
      );
      return {
        status: 200,
        body: { secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt.toISOString() },
      };
    },
    (answer) => ({ ...answer, secret: null }),
  );
}

/** An endpoint's delivery log, newest first. */
export async function listApiWebhookDeliveries(
  input: { endpointId: string; status?: string; limit?: number | string },
  actor: Actor,
): Promise<{ deliveries: ApiWebhookDelivery[] }> {
  const query = parseInput(webhookDeliveriesQuerySchema, { status: input.status, limit: input.limit });
  return inTransaction(undefined, async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: input.endpointId }, select: { id: true } });
    if (!endpoint) throw new AppError("not_found", "No such webhook endpoint.");
    const rows = await tx.webhookDelivery.findMany({
      where: { endpointId: input.endpointId, ...(query.status ? { status: query.status } : {}) },
      orderBy: { seq: "desc" },
      take: query.limit,
      select: DELIVERY_LOG_FIELDS,
    });
    await appendAccessLog(
      { action: "api.webhooks.read", detail: { endpointId: input.endpointId, deliveries: rows.length } },
      actor,
      tx,
    );
    return { deliveries: rows.map(deliveryBody) };
  });
}

/** Sends a finished delivery again: a new delivery at the end of the endpoint's queue, same message. */
export function replayApiWebhookDelivery(
  request: ApiWriteRequest<unknown> & { endpointId: string; deliveryId: string },
  actor: Actor,
): Promise<ApiAnswer<{ delivery: ApiWebhookDelivery }>> {
  return idempotentWrite(
    request,
    actor,
    (answer) => ({
      action: "api.webhooks.write",
      detail: { endpointId: request.endpointId, replayOf: request.deliveryId, replay: answer.delivery.id },
    }),
    async (tx) => {
      const original = await tx.webhookDelivery.findUnique({
        where: { id: request.deliveryId },
        select: { endpointId: true },
      });
      if (!original || original.endpointId !== request.endpointId) {
        throw new AppError("not_found", "No such delivery for this endpoint.");
      }
      const replay = await replayWebhookDelivery({ deliveryId: request.deliveryId }, actor, tx);
      return { status: 202, body: { delivery: deliveryBody(replay) } };
    },
  );
}
