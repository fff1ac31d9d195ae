import "server-only";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import { auth0Origin } from "@/lib/auth0/auth0-origin";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Actor } from "./actor";

type KeySet = ReturnType<typeof createRemoteJWKSet>;
let keySet: { issuer: string; keys: KeySet } | undefined;

/** The tenant's issuer (Auth0 writes it with a trailing slash) and its JWKS, fetched and cached by jose. */
function tenantKeys(): { issuer: string; keys: KeySet } {
  const origin = auth0Origin(env().AUTH0_DOMAIN);
  const issuer = `${origin.origin}/`;
  if (keySet?.issuer !== issuer) {
    keySet = { issuer, keys: createRemoteJWKSet(new URL(".well-known/jwks.json", issuer)) };
  }
  return keySet;
}

/** RFC 6750's answer to a missing or bad token. */
function invalidToken(description: string): AppError {
  return new AppError("unauthorized", description, {
    errorCode: "invalid_token",
    headers: { "www-authenticate": `Bearer error="invalid_token", error_description="${description}"` },
  });
}

/**
 * The API client behind `Authorization: Bearer <Auth0 access token>` (ADR 033): an RS256 JWT
 * from the tenant's issuer, for the portal's API audience, unexpired, whose client is registered
 * here and not revoked. Its scopes are the token's, never more than the client was registered
 * with (a grant widened in the Auth0 dashboard widens nothing here).
 */
export async function authenticateApiClient(authorization: string | null): Promise<Actor> {
  if (authorization === null) {
    throw new AppError("unauthorized", "Send an access token: Authorization: Bearer <token>.", {
      errorCode: "invalid_request",
      headers: { "www-authenticate": "Bearer" },
    });
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw invalidToken("The Authorization header is not a bearer token.");
  const { issuer, keys } = tenantKeys();
  let clientId: string;
  let tokenScopes: string[];
  try {
    const { payload } = await jwtVerify(match[1]!, keys, {
      issuer,
      audience: env().API_AUDIENCE,
      algorithms: ["RS256"],
      requiredClaims: ["exp", "sub"],
    });
    clientId = typeof payload.azp === "string" ? payload.azp : (payload.sub ?? "").replace(/@clients$/, "");
    tokenScopes = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidToken("The access token has expired.");
    if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
      throw invalidToken("The access token is not valid for this API.");
    }
    // The JWKS could not be fetched: Auth0's trouble, not the client's.
    throw new AppError("upstream_unavailable", "The access token cannot be checked right now; retry shortly.", {
      cause: error,
    });
  }
  const client = await db().apiClient.findUnique({ where: { clientId } });
  if (!client || client.revokedAt) throw invalidToken("This API client is not registered or was revoked.");
  const registered = client.scope.split(" ");
  return {
    kind: "api_client",
    id: client.clientId,
    roles: [],
    displayName: client.name,
    email: "",
    via: { type: "access_token", scopes: tokenScopes.filter((scope) => registered.includes(scope)) },
  };
}
