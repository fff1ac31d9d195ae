import "server-only";
import { setTimeout as wait } from "node:timers/promises";
import type { Auth0Gateway } from "@/lib/auth0/auth0-gateway";
import { deliverWebhooks, type WebhookDeliveryReport } from "@/lib/webhooks/deliver-webhooks";
import { deliverOutbox, type DeliveryReport } from "./deliver-outbox";

export interface OutboxWorkerOptions {
  /** Stops the loop (between batches; an in-flight batch completes). */
  signal: AbortSignal;
  /** Pause when there is nothing to do. */
  intervalMs?: number;
  batchSize?: number;
  auth0?: Auth0Gateway;
  onBatch?: (report: DeliveryReport) => void;
  onWebhookBatch?: (report: WebhookDeliveryReport) => void;
  onError?: (error: unknown) => void;
}

/**
 * The long-running outbox loop (Auth0 sync and webhooks): delivers batches back to back while there is work, otherwise
 * polls every `intervalMs`. A database or network failure is reported and retried after the
 * interval; the loop only ends when `signal` aborts.
 */
export async function runOutboxWorker(options: OutboxWorkerOptions): Promise<void> {
  const { signal } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 25;
  const onError =
    options.onError ??
    ((error: unknown) => console.error("[outbox] delivery failed:", error instanceof Error ? error.message : error));
  while (!signal.aborted) {
    let busy = false;
    try {
      const report = await deliverOutbox({ batchSize, auth0: options.auth0 });
      options.onBatch?.(report);
      busy = report.claimed === batchSize;
    } catch (error) {
      onError(error);
    }
    // The webhook outbox (ADR 034) in the same loop: one worker process for both.
    try {
      const report = await deliverWebhooks({ batchSize });
      options.onWebhookBatch?.(report);
      busy ||= report.claimed === batchSize;
    } catch (error) {
      onError(error);
    }
    if (busy) continue;
    try {
      await wait(intervalMs, undefined, { signal });
    } catch {
      // aborted: the loop condition ends it
    }
  }
}
