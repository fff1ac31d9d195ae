import type { Metadata } from "next";
import { hasRole } from "@/lib/auth/roles";
import { listStaffApiTokens } from "@/lib/compliance/staff-api-tokens/list-staff-api-tokens";
import { env } from "@/lib/env";
import { utc } from "../format";
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
        <header>
          <h1 className="text-2xl font-bold">API tokens</h1>
          <p className="mt-2 max-w-prose text-slate-700">
            Scripts call the portal&apos;s Management API proxy with a token of yours instead of Auth0&apos;s own
            Management API token. It acts as you — never with more than your role now — and every call is in the access
            log.
          </p>
          <pre className="mt-3 rounded-md bg-slate-900 p-3 text-sm whitespace-pre-wrap text-slate-50">
            {`curl --request GET \\\n  --url '${base}/users-by-email?email=USER_EMAIL_ADDRESS&fields=user_metadata' \\\n  --header 'authorization: Bearer YOUR_STAFF_API_TOKEN'`}
          </pre>
        </header>
        <section aria-labelledby="create-heading" className="rounded-xl bg-white p-6 shadow-sm">
          <h2 id="create-heading" className="mb-4 text-xl font-semibold">
            Create a token
          </h2>
          <CreateTokenForm canWrite={hasRole(actor.roles, "admin")} />
        </section>
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
                        {token.role === "admin" ? "Reads and writes" : "Reads"} · created {utc(token.createdAt)} ·{" "}
                        {token.revokedAt
                          ? `revoked ${utc(token.revokedAt)}`
                          : token.expiresAt <= now
                            ? `expired ${utc(token.expiresAt)}`
                            : `expires ${utc(token.expiresAt)}`}{" "}
                        · last used {token.lastUsedAt ? utc(token.lastUsedAt) : "never"}
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
