import "server-only";
import { db } from "@/lib/db/client";
import type { WebhookDelivery } from "@/lib/generated/prisma/client";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-endpoint-view";

export interface WebhookEndpointSummary extends WebhookEndpointView {
  pending: number;
  failed: number;
}

/** Every endpoint, newest first, with how many deliveries wait and how many were given up. */
export async function listWebhookEndpoints(): Promise<WebhookEndpointSummary[]> {
  const [endpoints, counts] = await Promise.all([
    db().webhookEndpoint.findMany({ orderBy: { createdAt: "desc" } }),
    db().webhookDelivery.groupBy({
      by: ["endpointId", "status"],
      where: { status: { in: ["pending", "failed"] } },
      _count: { _all: true },
    }),
  ]);
  const count = (endpointId: string, status: string) =>
    counts.find((row) => row.endpointId === endpointId && row.status === status)?._count._all ?? 0;
  return endpoints.map((row) => ({
    ...toWebhookEndpointView(row),
    pending: count(row.id, "pending"),
    failed: count(row.id, "failed"),
  }));
}

export async function readWebhookEndpoint(endpointId: string): Promise<WebhookEndpointView | null> {
  const row = await db().webhookEndpoint.findUnique({ where: { id: endpointId } });
  return row ? toWebhookEndpointView(row) : null;
}

export type WebhookDeliveryLogEntry = Pick<
  WebhookDelivery,
  | "id"
  | "messageId"
  | "eventType"
  | "status"
  | "attempts"
  | "nextAttemptAt"
  | "lastAttemptAt"
  | "lastStatusCode"
  | "lastError"
  | "createdAt"
  | "deliveredAt"
  | "replayOf"
>;

/** The columns of a delivery-log entry (the admin page and the API list the same ones). */
export const DELIVERY_LOG_FIELDS = {
  id: true,
  messageId: true,
  eventType: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastStatusCode: true,
  lastError: true,
  createdAt: true,
  deliveredAt: true,
  replayOf: true,
} as const;

/** An endpoint's delivery log, newest first. */
export function readWebhookDeliveries(input: {
  endpointId: string;
  status?: WebhookDelivery["status"];
  limit?: number;
}): Promise<WebhookDeliveryLogEntry[]> {
  return db().webhookDelivery.findMany({
    where: { endpointId: input.endpointId, ...(input.status ? { status: input.status } : {}) },
    orderBy: { seq: "desc" },
    take: Math.min(input.limit ?? 50, 500),
    select: DELIVERY_LOG_FIELDS,
  });
}
