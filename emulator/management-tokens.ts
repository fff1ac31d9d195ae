import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { errors as joseErrors, importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from "jose";
import { ManagementApiError } from "./errors.js";
import { sendJson } from "./http.js";
import type { EmulatorKeys } from "./keys.js";
import type { TenantStore } from "./store.js";

/** Auth0 issues Management API tokens for 24 hours by default. */
const MANAGEMENT_TOKEN_TTL_SECONDS = 86_400;

/** The Management API's identifier: `https://<tenant>/api/v2/`, here `<issuer>api/v2/`. */
function managementAudience(issuer: string): string {
  return `${issuer}api/v2/`;
}

/** An API of the tenant other than the Management API (Auth0's "resource server"). */
export interface ResourceServer {
  /** The API's identifier: the `audience` its tokens carry. */
  identifier: string;
  name: string;
  /** The scopes the API defines; client grants pick from these. */
  scopes: string[];
  /** Auth0's `token_lifetime`; default 86,400 seconds. */
  tokenLifetimeSeconds?: number;
}

export interface VerifiedToken {
  clientId: string;
  scopes: Set<string>;
}

function publicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads a token request body (form or JSON, as Auth0 accepts both) into flat string parameters. */
export function parseTokenRequestBody(
  contentType: string | undefined,
  raw: string,
): Record<string, string> | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
      return Object.fromEntries(
        Object.entries(parsed).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : [])),
      );
    } catch {
      return undefined;
    }
  }
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(raw));
  return undefined;
}

/**
 * Issues and checks Management API access tokens: RS256 JWTs signed with the tenant key,
 * shaped like Auth0's (`sub` = `<client_id>@clients`, `gty` = `client-credentials`, `azp`,
 * space-separated `scope`).
 */
export class ManagementTokens {
  private signingKey?: CryptoKey;
  private verifyKey?: CryptoKey;

  constructor(
    private readonly issuer: string,
    private readonly keys: EmulatorKeys,
    private readonly store: TenantStore,
    private readonly resourceServers: readonly ResourceServer[] = [],
  ) {}

  resourceServer(identifier: string): ResourceServer | undefined {
    return this.resourceServers.find((server) => server.identifier === identifier);
  }

  get audience(): string {
    return managementAudience(this.issuer);
  }

  private async keysReady(): Promise<{ sign: CryptoKey; verify: CryptoKey }> {
    this.signingKey ??= (await importJWK(this.keys.signingKey, "RS256")) as CryptoKey;
    this.verifyKey ??= (await importJWK(publicJwk(this.keys.signingKey), "RS256")) as CryptoKey;
    return { sign: this.signingKey, verify: this.verifyKey };
  }

  /** Signs a token for a client; exported for tests that need tokens with particular scopes. */
  async sign(
    clientId: string,
    scopes: readonly string[],
    ttlSeconds = MANAGEMENT_TOKEN_TTL_SECONDS,
    audience = this.audience,
  ): Promise<string> {
    const { sign } = await this.keysReady();
    return new SignJWT({ scope: scopes.join(" "), gty: "client-credentials", azp: clientId })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.keys.signingKey.kid })
      .setIssuer(this.issuer)
      .setSubject(`${clientId}@clients`)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(sign);
  }

  /**
   * `POST /oauth/token` with `grant_type=client_credentials`. Errors follow Auth0's
   * Authentication API shape `{ error, error_description }`.
   */
  async handleClientCredentials(
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string>,
  ): Promise<void> {
    let clientId = params.client_id;
    let clientSecret = params.client_secret;
    const authorization = req.headers.authorization;
    if (authorization?.toLowerCase().startsWith("basic ")) {
      const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
      const separator = decoded.indexOf(":");
      if (separator > 0) {
        clientId = decodeURIComponent(decoded.slice(0, separator));
        clientSecret = decodeURIComponent(decoded.slice(separator + 1));
      }
    }
    const client = clientId ? this.store.getClient(clientId) : undefined;
    if (!client || !clientSecret || !safeEqual(clientSecret, client.client_secret)) {
      sendJson(res, 401, { error: "access_denied", error_description: "Unauthorized" });
      return;
    }
    const audience = params.audience;
    if (!audience) {
      sendJson(res, 403, {
        error: "access_denied",
        error_description: "No audience parameter was provided, and no default audience has been configured",
      });
      return;
    }
    const server = audience === this.audience ? undefined : this.resourceServer(audience);
    if (audience !== this.audience && !server) {
      sendJson(res, 403, { error: "access_denied", error_description: `Service not found: ${audience}` });
      return;
    }
    // The Management API's grants are the client's `scopes`; other APIs' are client grants.
    const grant = this.store
      .allClientGrants()
      .find((candidate) => candidate.client_id === client.client_id && candidate.audience === audience);
    const granted =
      client.app_type !== "non_interactive"
        ? undefined
        : server
          ? grant?.scope
          : client.scopes.length > 0
            ? client.scopes
            : undefined;
    if (!granted) {
      sendJson(res, 403, {
        error: "access_denied",
        error_description: `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
      });
      return;
    }
    let scopes = granted;
    if (params.scope !== undefined && params.scope.trim() !== "") {
      const requested = params.scope.split(/\s+/).filter(Boolean);
      const missing = requested.filter((scope) => !granted.includes(scope));
      if (missing.length > 0) {
        sendJson(res, 403, {
          error: "access_denied",
          error_description: `Client has not been granted scopes: ${missing.join(", ")}`,
        });
        return;
      }
      scopes = requested;
    }
    const ttl = server ? (server.tokenLifetimeSeconds ?? MANAGEMENT_TOKEN_TTL_SECONDS) : MANAGEMENT_TOKEN_TTL_SECONDS;
    const accessToken = await this.sign(client.client_id, scopes, ttl, audience);
    sendJson(
      res,
      200,
      {
        access_token: accessToken,
        scope: scopes.join(" "),
        expires_in: ttl,
        token_type: "Bearer",
      },
      { "cache-control": "no-store", pragma: "no-cache" },
    );
  }

  /** Checks the bearer token of a Management API request; 401 as Auth0 words it otherwise. */
  async verify(authorization: string | undefined): Promise<VerifiedToken> {
    if (!authorization) throw new ManagementApiError(401, "Missing authentication", "missing_authentication");
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) throw new ManagementApiError(401, "Bad HTTP authentication header format", "invalid_token");
    const { verify } = await this.keysReady();
    try {
      const { payload } = await jwtVerify(match[1], verify, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ["RS256"],
      });
      const clientId = typeof payload.azp === "string" ? payload.azp : (payload.sub ?? "").replace(/@clients$/, "");
      const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : []);
      return { clientId, scopes };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new ManagementApiError(401, "Expired token received for JSON Web Token validation", "token_expired");
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
        const audience = error.payload.aud;
        throw new ManagementApiError(
          401,
          `Bad audience: ${Array.isArray(audience) ? audience.join(" ") : String(audience)}`,
          "invalid_token",
        );
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "iss") {
        throw new ManagementApiError(401, "Bad issuer", "invalid_token");
      }
      throw new ManagementApiError(401, "Invalid token", "invalid_token");
    }
  }
}

/** 403 as Auth0 sends it when the token lacks every scope an endpoint accepts. */
export function requireScope(token: VerifiedToken, anyOf: readonly string[]): void {
  if (anyOf.some((scope) => token.scopes.has(scope))) return;
  throw new ManagementApiError(403, `Insufficient scope, expected any of: ${anyOf.join(",")}`, "insufficient_scope");
}
