import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { listApiClients } from "@/lib/admin/list-api-clients";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES } from "@/lib/auth/api-scopes";
import { env } from "@/lib/env";
import { definePage } from "@/lib/http/define-page";
import { RegisterApiClientForm, RevokeApiClientForm } from "./api-client-forms";

export const metadata: Metadata = { title: "API clients" };

export default definePage({ role: "admin", returnTo: "/admin/api-clients" }, async function ApiClientsPage({ actor }) {
  const clients = await listApiClients(actor);
  const config = env();
  const scopes = API_SCOPES.map((scope) => ({ scope, description: API_SCOPE_DESCRIPTIONS[scope] }));
  return (
    <section className="space-y-8">
      <PageHeader
        title="API clients"
        intro="Other systems — the mail tool, the mobile app, the data warehouse — record and read consent through the portal's API. Each is an Auth0 machine-to-machine application: it asks Auth0 for an access token with its client id and secret, then calls the API. Every call is in the access log."
      >
        <p className="mt-3 text-sm text-slate-700">
          Token audience: <code>{config.API_AUDIENCE}</code> · reference:{" "}
          <a className="text-blue-800 underline" href="/api/docs">
            /api/docs
          </a>
        </p>
      </PageHeader>
      <Panel id="register" title="Register a client">
        <div className="mt-4">
          <RegisterApiClientForm scopes={scopes} />
        </div>
      </Panel>
      <section aria-labelledby="clients-heading">
        <h2 id="clients-heading" className="text-xl font-semibold">
          Clients
        </h2>
        {clients.length === 0 ? (
          <p className="mt-3 text-slate-700">No API clients yet.</p>
        ) : (
          <ul className="mt-3 space-y-2">
            {clients.map((client) => (
              <li
                key={client.id}
                className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-white p-4 shadow-sm"
                data-testid="api-client-row"
              >
                <div className="text-sm">
                  <p className="font-semibold">
                    {client.name} <span className="font-mono font-normal text-slate-600">{client.clientId}</span>
                  </p>
                  <p className="text-slate-700">
                    {client.scope.split(" ").join(", ")} · registered {formatTime(client.createdAt)}
                    {client.revokedAt ? ` · revoked ${formatTime(client.revokedAt)}` : ""}
                  </p>
                </div>
                {!client.revokedAt && <RevokeApiClientForm clientId={client.clientId} name={client.name} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
});
