import "server-only";
import type { Tx } from "@/lib/db/client";
import type { ConsentEvent, PolicyVersion, Prisma } from "@/lib/generated/prisma/client";
import type { WebhookEventType } from "./schemas";

/** A message before fan-out: one per ledger event or publication, the same for every endpoint. */
interface WebhookMessage {
  /** The Standard Webhooks `webhook-id`: stable, so a receiver can drop a duplicate. */
  messageId: string;
  type: WebhookEventType;
  /** Deliveries with the same key reach an endpoint in order (the subject id). */
  orderingKey: string | null;
  timestamp: Date;
  data: Record<string, unknown>;
}

const messageId = (id: string) => `msg_${id.replaceAll("-", "")}`;

export type SubscribedEndpoint = { id: string; events: string[] };

/** The enabled endpoints that want any of `types` (usually none or a few: one indexed read). */
function subscribedEndpoints(tx: Tx, types: WebhookEventType[]): Promise<SubscribedEndpoint[]> {
  return tx.webhookEndpoint.findMany({
    where: { disabledAt: null, events: { hasSome: [...new Set(types)] } },
    select: { id: true, events: true },
    orderBy: { createdAt: "asc" },
  });
}

const EVENT_TYPE = { granted: "consent.granted", withdrawn: "consent.withdrawn", erased: "subject.erased" } as const;

/** One delivery to write: a message fanned out to one subscribed endpoint. */
export interface WebhookDeliveryRow {
  endpointId: string;
  messageId: string;
  eventType: WebhookEventType;
  orderingKey: string | null;
  payload: { type: WebhookEventType; timestamp: string; data: Record<string, unknown> };
}

/** The deliveries of `messages` to every endpoint subscribed to their type, in message order. */
function fanOut(endpoints: SubscribedEndpoint[], messages: WebhookMessage[]): WebhookDeliveryRow[] {
  const rows: WebhookDeliveryRow[] = [];
  for (const message of messages) {
    const payload = { type: message.type, timestamp: message.timestamp.toISOString(), data: message.data };
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(message.type)) continue;
      rows.push({
        endpointId: endpoint.id,
        messageId: message.messageId,
        eventType: message.type,
        orderingKey: message.orderingKey,
        payload,
      });
    }
  }
  return rows;
}

/**
 * Writes the deliveries for `messages` to every enabled endpoint subscribed to their type, in
 * the caller's transaction (the webhook outbox, ADR 034). A disabled endpoint gets nothing new.
 */
async function enqueueMessages(tx: Tx, endpoints: SubscribedEndpoint[], messages: WebhookMessage[]): Promise<void> {
  const rows = fanOut(endpoints, messages);
  // One insert: rows get their `seq` in this order, the order of the events in the chain.
  if (rows.length > 0) {
    await tx.webhookDelivery.createMany({
      data: rows.map((row) => ({ ...row, payload: row.payload as Prisma.InputJsonValue })),
    });
  }
}

/** The event types an appended consent event can be announced as. */
export const CONSENT_EVENT_TYPES: WebhookEventType[] = ["consent.granted", "consent.withdrawn", "subject.erased"];

/**
 * The deliveries announcing `consent.granted`, `consent.withdrawn` and `subject.erased` for events
 * the ledger is appending, to `endpoints` (the enabled ones subscribed to any of
 * CONSENT_EVENT_TYPES, read by appendConsentEvents in its transaction, which writes the rows with
 * the events). The payload names the subject by its pseudonymous id and the purpose by its key;
 * no email, no Auth0 id.
 */
export async function consentEventWebhookRows(
  tx: Tx,
  endpoints: SubscribedEndpoint[],
  appended: ConsentEvent[],
): Promise<WebhookDeliveryRow[]> {
  // A request awaiting the address's verification is not consent: receivers hear of the grant that confirms it.
  const events = appended.filter(
    (event): event is ConsentEvent & { action: keyof typeof EVENT_TYPE } => event.action !== "requested",
  );
  if (events.length === 0 || endpoints.length === 0) return [];
  const purposeIds = [...new Set(events.flatMap((event) => (event.purposeId ? [event.purposeId] : [])))];
  const purposes = purposeIds.length
    ? await tx.purpose.findMany({ where: { id: { in: purposeIds } }, select: { id: true, key: true } })
    : [];
  const keyOf = new Map(purposes.map((purpose) => [purpose.id, purpose.key]));
  return fanOut(
    endpoints,
    events.map((event) => ({
      messageId: messageId(event.id),
      type: EVENT_TYPE[event.action],
      orderingKey: event.subjectId,
      timestamp: event.serverTime,
      data:
        event.action === "erased"
          ? { eventId: event.id, subjectId: event.subjectId, seq: event.seq, erasedAt: event.serverTime.toISOString() }
          : {
              eventId: event.id,
              subjectId: event.subjectId,
              seq: event.seq,
              purpose: event.purposeId ? (keyOf.get(event.purposeId) ?? null) : null,
              purposeVersionId: event.purposeVersionId,
              policyVersionId: event.policyVersionId,
              method: event.method,
              actorType: event.actorType,
              serverTime: event.serverTime.toISOString(),
              clientTime: event.clientTime?.toISOString() ?? null,
              hash: event.hash,
            },
    })),
  );
}

/** Queues `policy.published` in the publication's transaction. */
export async function enqueuePolicyPublishedWebhook(tx: Tx, version: PolicyVersion): Promise<void> {
  const endpoints = await subscribedEndpoints(tx, ["policy.published"]);
  if (endpoints.length === 0) return;
  await enqueueMessages(tx, endpoints, [
    {
      messageId: messageId(version.id),
      type: "policy.published",
      orderingKey: null,
      timestamp: version.publishedAt,
      data: {
        policyVersionId: version.id,
        kind: version.kind,
        version: version.version,
        title: version.title,
        url: version.url,
        textSha256: version.textSha256,
        requiresReconsent: version.requiresReconsent,
        publishedAt: version.publishedAt.toISOString(),
      },
    },
  ]);
}
