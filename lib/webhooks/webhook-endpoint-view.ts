import type { WebhookEndpoint } from "@/lib/generated/prisma/client";

/** An endpoint as pages and the API show it: never its secrets. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: string[];
  createdAt: Date;
  createdBy: string;
  enabled: boolean;
  disabledAt: Date | null;
  /** Why it was disabled: by an admin, or after failing for too long (with the last error). */
  disabledReason: string | null;
  failingSince: Date | null;
  consecutiveFailures: number;
  /** Until when the previous secret still signs, during a rotation. */
  previousSecretExpiresAt: Date | null;
}

export function toWebhookEndpointView(row: WebhookEndpoint): WebhookEndpointView {
  const overlapping = row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    enabled: row.disabledAt === null,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    consecutiveFailures: row.consecutiveFailures,
    previousSecretExpiresAt: overlapping ? row.previousSecretExpiresAt : null,
  };
}
