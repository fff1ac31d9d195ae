import "server-only";
import { Auth0Client, filterDefaultIdTokenClaims } from "@auth0/nextjs-auth0/server";
import { AuthorizationError } from "@auth0/nextjs-auth0/errors";
import { NextResponse } from "next/server";
import { env, isLocalIssuer } from "@/lib/env";
import { safeRedirectPath } from "@/lib/http/safe-redirect";
import { PERSON_SESSION_SECONDS, PostgresSessionStore } from "./session-store";
import { signInErrorCode } from "./sign-in-error-code";

let client: Auth0Client | undefined;

/** The nextjs-auth0 client, configured from lib/env (a real tenant needs only env changes). */
export function auth0(): Auth0Client {
  if (client) return client;
  const config = env();
  client = new Auth0Client({
    domain: config.AUTH0_DOMAIN,
    clientId: config.AUTH0_CLIENT_ID,
    clientSecret: config.AUTH0_CLIENT_SECRET,
    secret: config.AUTH0_SECRET,
    appBaseUrl: config.APP_BASE_URL,
    // The emulator is plain http on localhost; a real tenant is https and keeps this off.
    allowInsecureRequests: isLocalIssuer(config.AUTH0_DOMAIN),
    authorizationParameters: { scope: "openid profile email" },
    // Sessions live in PostgreSQL (ADR 035); the cookie holds only their id. The store enforces
    // each session's own limits (staff: idle and absolute; people: three days); the cookie lasts
    // the longest of them. Only /auth/* pass through the SDK (proxy.ts), so it rolls nothing.
    sessionStore: new PostgresSessionStore(),
    session: {
      rolling: false,
      absoluteDuration: PERSON_SESSION_SECONDS,
      cookie: { secure: config.APP_BASE_URL.startsWith("https://") },
    },
    // Keep the SDK's default profile claims plus our namespaced roles claim.
    beforeSessionSaved(session) {
      const roles: unknown = session.user[config.AUTH0_ROLES_CLAIM];
      return Promise.resolve({
        ...session,
        user: { ...filterDefaultIdTokenClaims(session.user), [config.AUTH0_ROLES_CLAIM]: roles },
      });
    },
    onCallback(error, context) {
      const base = context.appBaseUrl ?? config.APP_BASE_URL;
      if (error) {
        // A fixed code, never the provider's text: the page must not display what a URL says.
        const code = signInErrorCode(error instanceof AuthorizationError ? error.cause?.message : undefined);
        const url = new URL("/signin-error", base);
        url.searchParams.set("code", code);
        return Promise.resolve(NextResponse.redirect(url));
      }
      // The SDK checks returnTo at /auth/login already; the portal's own check is the one that counts.
      return Promise.resolve(NextResponse.redirect(new URL(safeRedirectPath(context.returnTo, base), base)));
    },
  });
  return client;
}
