import type { Metadata } from "next";
import { formatTime } from "@/components/format-time";
import { PageHeader } from "@/components/page-header";
import { Panel } from "@/components/panel";
import { hasRole } from "@/lib/auth/roles";
import { listStaffApiTokens } from "@/lib/compliance/staff-api-tokens/list-staff-api-tokens";
import { env } from "@/lib/env";
import { CreateTokenForm, RevokeTokenForm } from "./token-forms";
import { definePage } from "@/lib/http/define-page";

export const metadata: Metadata = { title: "API tokens" };

export default definePage(
  { role: "compliance", returnTo: "/compliance/api-tokens" },
  async function ApiTokensPage({ actor }) {
    const tokens = await listStaffApiTokens(actor);
    const base = new URL("/api/mgmt/v2", env().APP_BASE_URL).toString();
    const now = new Date();
    return (
      <section className="space-y-8">
        <PageHeader
          title="API tokens"
          intro="Scripts call the portal's Management API proxy with a token of yours instead of Auth0's own Management API token. It acts as you — never with more than your role now — and every call is in the access log."
        >
          <pre className="mt-3 rounded-md bg-slate-900 p-3 text-sm whitespace-pre-wrap text-slate-50">
            {`curl --request GET \\\n  --url '${base}/users-by-email?email=USER_EMAIL_ADDRESS&fields=user_metadata' \\\n  --header 'authorization: Bearer YOUR_STAFF_API_TOKEN'`}
          </pre>
        </PageHeader>
        <Panel id="create" title="Create a token">
          <div className="mt-4">
            <CreateTokenForm canWrite={hasRole(actor.roles, "admin")} />
          </div>
        </Panel>
        <section aria-labelledby="list-heading">
          <h2 id="list-heading" className="text-xl font-semibold">
            Your tokens
          </h2>
          {tokens.length === 0 ? (
            <p className="mt-3 text-slate-700">You have no tokens.</p>
          ) : (
            <ul className="mt-3 space-y-2">
              {tokens.map((token) => {
                const live = !token.revokedAt && token.expiresAt > now;
                return (
                  <li
                    key={token.id}
                    className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-white p-4 shadow-sm"
                    data-testid="token-row"
                  >
                    <div className="text-sm">
                      <p className="font-semibold">
                        {token.label} <span className="font-mono font-normal text-slate-600">{token.tokenHint}</span>
                      </p>
                      <p className="text-slate-700">
                        {token.role === "admin" ? "Reads and writes" : "Reads"} · created {formatTime(token.createdAt)}{" "}
                        ·{" "}
                        {token.revokedAt
                          ? `revoked ${formatTime(token.revokedAt)}`
                          : token.expiresAt <= now
                            ? `expired ${formatTime(token.expiresAt)}`
                            : `expires ${formatTime(token.expiresAt)}`}{" "}
                        · last used {token.lastUsedAt ? formatTime(token.lastUsedAt) : "never"}
                      </p>
                    </div>
                    {live && <RevokeTokenForm tokenId={token.id} label={token.label} />}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </section>
    );
  },
);
