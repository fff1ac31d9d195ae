import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import type { EmulatorKeys } from "./keys.js";
import type { StoredUser, TenantStore } from "./store.js";
import type { TenantSessions } from "./tenant-sessions.js";

export interface OidcOptions {
  issuer: string;
  store: TenantStore;
  keys: EmulatorKeys;
  /** Namespaced ID-token claim that carries `app_metadata.roles`. */
  rolesClaim: string;
  /** oidc-provider's storage, where the Management API finds a user's login sessions. */
  sessions: TenantSessions;
}

/** The claims Auth0 puts in an ID token for a database user, plus the roles claim. */
function userClaims(user: StoredUser, rolesClaim: string): Record<string, unknown> {
  const roles = user.app_metadata.roles;
  return {
    sub: user.user_id,
    email: user.email,
    email_verified: user.email_verified,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    updated_at: user.updated_at,
    [rolesClaim]: Array.isArray(roles) ? roles : [],
  };
}

/**
 * OpenID Connect issuer on `oidc-provider`, with Auth0's endpoint paths so that the
 * portal's SDK sees the same discovery document shape as with a real tenant.
 */
export function createOidcProvider({ issuer, store, keys, rolesClaim, sessions }: OidcOptions): Provider {
  const configuration: Configuration = {
    adapter: sessions.adapter,
    clients: store
      .allClients()
      .filter((client) => client.app_type === "regular_web")
      .map((client) => ({
        client_id: client.client_id,
        client_secret: client.client_secret,
        client_name: client.name,
        redirect_uris: client.callbacks,
        post_logout_redirect_uris: client.allowed_logout_urls,
        // Auth0's OIDC Back-Channel Logout: when the person signs out of the tenant (from any
        // application), the tenant tells each application's session store, by `sid`.
        ...(client.callbacks[0]
          ? {
              backchannel_logout_uri: new URL("/auth/backchannel-logout", client.callbacks[0]).toString(),
              backchannel_logout_session_required: true,
            }
          : {}),
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      })),
    claims: {
      openid: ["sub", rolesClaim],
      email: ["email", "email_verified"],
      profile: ["name", "nickname", "picture", "updated_at"],
    },
    // Auth0 puts the requested profile claims in the ID token; without this the token has only `sub`.
    conformIdTokenClaims: false,
    findAccount(_ctx, accountId) {
      const user = store.getUser(accountId);
      // As Auth0: a blocked user is not signed in silently from an existing tenant session either.
      if (!user || user.blocked) return undefined;
      return {
        accountId,
        claims: () => {
          const claims = userClaims(user, rolesClaim);
          return { ...claims, sub: accountId, updated_at: Math.floor(Date.parse(user.updated_at) / 1000) };
        },
      };
    },
    // First-party application: consent is implied, as for Auth0 first-party clients.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/u/login/${interaction.uid}` },
    // Auth0 passes `ext-` parameters of /authorize on to its login page templates.
    extraParams: [ACCOUNT_CREATED_PARAM],
    routes: {
      authorization: "/authorize",
      token: "/oauth/token",
      userinfo: "/userinfo",
      jwks: "/.well-known/jwks.json",
      end_session: "/oidc/logout",
      revocation: "/oauth/revoke",
    },
    cookies: { keys: keys.cookieKeys },
    jwks: { keys: [keys.signingKey] },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Auth0's /oidc/logout does not ask for confirmation: submit the form at once.
        logoutSource(ctx, form) {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out</title></head>
<body>${form.replace("</form>", '<input type="hidden" name="logout" value="yes"/></form>')}
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.forms[0].submit()</script></body></html>`;
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
<body><main><h1>You are signed out.</h1></main></body></html>`;
        },
      },
    },
    // oidc-provider refuses to call loopback addresses (SSRF protection); the emulator's
    // applications are all on localhost, so its outgoing calls (back-channel logout) skip that.
    fetch: (url, options) => {
      const { dispatcher: _loopbackGuard, ...rest } = options as RequestInit & { dispatcher?: unknown };
      return globalThis.fetch(url, rest);
    },
    ttl: {
      AccessToken: 86_400,
      AuthorizationCode: 60,
      IdToken: 36_000,
      Interaction: 3_600,
      Session: 259_200,
      Grant: 259_200,
    },
    renderError(ctx, out) {
      ctx.type = "html";
      const text = Object.entries(out)
        .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(String(value))}</p>`)
        .join("");
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><main><h1>Something went wrong</h1>${text}</main></body></html>`;
    },
  };
  const provider = new Provider(issuer, configuration);
  // An application that refuses a logout token keeps its session: say so where the tenant runs.
  provider.on("backchannel.error", (_ctx, error: Error, client: { clientId: string }) => {
    console.error(`[emulator] back-channel logout to ${client.clientId} failed: ${error.message}`);
  });
  return provider;
}

/** The portal's sign-up sends this to /authorize; the login page then says the account was created. */
export const ACCOUNT_CREATED_PARAM = "ext-account-created";

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
