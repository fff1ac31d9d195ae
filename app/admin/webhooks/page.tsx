import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { definePage } from "@/lib/http/define-page";
import { listWebhookEndpoints } from "@/lib/webhooks/read-webhook-endpoints";
import { RegisterWebhookForm } from "./webhook-forms";

export const metadata: Metadata = { title: "Webhooks" };

export default definePage({ role: "admin", returnTo: "/admin/webhooks" }, async function WebhooksPage() {
  const endpoints = await listWebhookEndpoints();
  return (
    <section className="space-y-6">
      <PageHeader
        title="Webhooks"
        intro={
          <>
            Other systems hear of consent changes as they are recorded: each delivery is signed per{" "}
            <a className="underline" href="https://www.standardwebhooks.com/">
              Standard Webhooks
            </a>{" "}
            with the endpoint&apos;s secret, retried with growing waits for 3 days, and sent in order for each person.
            An endpoint whose every delivery failed for 24 hours is disabled; its page says why.
          </>
        }
      />
      <Panel id="endpoints" title="Endpoints">
        {endpoints.length === 0 ? (
          <p className="mt-2 text-slate-700">No endpoint registered yet.</p>
        ) : (
          <DataTable
            className="mt-3"
            columns={[
              {
                header: "Endpoint",
                rowHeader: true,
                cell: (endpoint) => (
                  <>
                    <Link
                      href={`/admin/webhooks/${endpoint.id}`}
                      className="font-medium break-all text-blue-800 underline"
                    >
                      {endpoint.url}
                    </Link>
                    {endpoint.description && (
                      <span className="block text-xs text-slate-600">{endpoint.description}</span>
                    )}
                  </>
                ),
              },
              { header: "Events", cell: (endpoint) => endpoint.events.join(", ") },
              {
                header: "Status",
                cell: (endpoint) =>
                  endpoint.enabled ? (
                    endpoint.failingSince ? (
                      <span className="text-amber-800">Failing since {formatTime(endpoint.failingSince)}</span>
                    ) : (
                      "Enabled"
                    )
                  ) : (
                    <span className="font-medium text-red-800">Disabled</span>
                  ),
              },
              { header: "Waiting", className: "text-right", cell: (endpoint) => endpoint.pending },
              { header: "Given up", className: "text-right", cell: (endpoint) => endpoint.failed },
            ]}
            rows={endpoints}
            rowKey={(endpoint) => endpoint.id}
            rowProps={() => ({ className: "align-top", "data-testid": "webhook-endpoint" })}
          />
        )}
      </Panel>
      <Panel
        id="register"
        title="Register an endpoint"
        description="The endpoint receives a POST with a JSON body for each event it chose; verify the webhook-signature header with its secret."
      >
        <div className="mt-4 max-w-xl">
          <RegisterWebhookForm />
        </div>
      </Panel>
    </section>
  );
});
