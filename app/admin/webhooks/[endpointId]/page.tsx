import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { BackLink } from "@/components/back-link";
import { DataTable } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { Notice } from "@/components/notice";
import { Panel } from "@/components/panel";
import { definePage } from "@/lib/http/define-page";
import { readWebhookDeliveries, readWebhookEndpoint } from "@/lib/webhooks/read-webhook-endpoints";
import { ReplayForm, RotateSecretForm, SetEnabledForm } from "../webhook-forms";

export const metadata: Metadata = { title: "Webhook endpoint" };

const STATUS_TEXT = { pending: "Waiting", delivered: "Delivered", failed: "Given up" } as const;

export default definePage<{ endpointId: string }>(
  { role: "admin", returnTo: ({ endpointId }) => `/admin/webhooks/${endpointId}` },
  async function WebhookEndpointPage({ params }) {
    const { endpointId } = await params;
    if (!/^[0-9a-f-]{36}$/i.test(endpointId)) notFound();
    const endpoint = await readWebhookEndpoint(endpointId);
    if (!endpoint) notFound();
    const deliveries = await readWebhookDeliveries({ endpointId, limit: 100 });
    return (
      <section className="space-y-6">
        <BackLink href="/admin/webhooks">All webhooks</BackLink>
        <div>
          <h1 className="text-2xl font-bold break-all">{endpoint.url}</h1>
          <p className="mt-1 text-slate-700">
            {endpoint.description && <>{endpoint.description}. </>}Events: {endpoint.events.join(", ")}. Registered{" "}
            {formatTime(endpoint.createdAt)}.
          </p>
        </div>
        {!endpoint.enabled && (
          <Notice tone="error" role="alert">
            <span className="font-medium">Disabled {endpoint.disabledAt && formatTime(endpoint.disabledAt)}.</span>{" "}
            <span data-testid="disabled-reason">{endpoint.disabledReason}</span> Deliveries already queued wait; new
            events are not queued until it is enabled again.
          </Notice>
        )}
        {endpoint.enabled && endpoint.failingSince && (
          <Notice tone="warning" role="status">
            Every delivery has failed since {formatTime(endpoint.failingSince)} ({endpoint.consecutiveFailures} attempts
            in a row). After 24 hours of failures the endpoint is disabled.
          </Notice>
        )}
        <div className="grid gap-6 md:grid-cols-2">
          <Panel id="state" title={endpoint.enabled ? "Enabled" : "Disabled"}>
            <div className="mt-3">
              <SetEnabledForm endpointId={endpoint.id} enabled={endpoint.enabled} />
            </div>
          </Panel>
          <Panel
            id="secret"
            title="Signing secret"
            description={
              endpoint.previousSecretExpiresAt
                ? `The previous secret also signs until ${formatTime(endpoint.previousSecretExpiresAt)}.`
                : "Rotate it when it may have leaked, or on a schedule."
            }
          >
            <div className="mt-3">
              <RotateSecretForm endpointId={endpoint.id} />
            </div>
          </Panel>
        </div>
        <Panel id="deliveries" title="Deliveries" description="The latest 100, newest first.">
          {deliveries.length === 0 ? (
            <p className="mt-2 text-slate-700">Nothing sent yet.</p>
          ) : (
            <DataTable
              className="mt-3"
              columns={[
                {
                  header: "Event",
                  rowHeader: true,
                  cell: (delivery) => (
                    <>
                      <code>{delivery.eventType}</code>
                      <span className="block text-xs text-slate-600">
                        {delivery.messageId}
                        {delivery.replayOf && " (replay)"}
                      </span>
                    </>
                  ),
                },
                { header: "Queued", cell: (delivery) => formatTime(delivery.createdAt) },
                {
                  header: "Status",
                  cell: (delivery) =>
                    delivery.status === "pending" && delivery.attempts > 0
                      ? `Retrying at ${formatTime(delivery.nextAttemptAt)}`
                      : STATUS_TEXT[delivery.status],
                },
                { header: "Attempts", className: "text-right", cell: (delivery) => delivery.attempts },
                { header: "Response", cell: (delivery) => delivery.lastStatusCode ?? "—" },
                { header: "Last error", cell: (delivery) => delivery.lastError ?? "" },
                {
                  header: <span className="sr-only">Replay</span>,
                  cell: (delivery) =>
                    delivery.status !== "pending" && (
                      <ReplayForm deliveryId={delivery.id} label={`${delivery.eventType} ${delivery.messageId}`} />
                    ),
                },
              ]}
              rows={deliveries}
              rowKey={(delivery) => delivery.id}
              rowProps={() => ({ className: "align-top", "data-testid": "webhook-delivery" })}
            />
          )}
        </Panel>
      </section>
    );
  },
);
