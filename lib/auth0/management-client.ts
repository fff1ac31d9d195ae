import "server-only";
import { ManagementClient } from "auth0";
import { env, isLocalIssuer } from "@/lib/env";
import { createRetryingFetch, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retrying-fetch";

export interface ManagementClientConfig {
  /** `https://<tenant>.auth0.com`, a bare host, or a local emulator's `http://localhost:<port>`. */
  domain: string;
  clientId: string;
  clientSecret: string;
  retry?: Partial<RetryPolicy>;
}

/**
 * The official SDK's ManagementClient with our retry policy. The SDK caches the client-credentials
 * token until shortly before it expires, per client instance: keep one instance per process.
 * Server only; the token never leaves it.
 */
export function createManagementClient(config: ManagementClientConfig): ManagementClient {
  const base = /^https?:\/\//.test(config.domain) ? config.domain : `https://${config.domain}`;
  const url = new URL(base);
  if (url.protocol === "http:" && !isLocalIssuer(base)) {
    throw new Error("AUTH0_DOMAIN may use http:// only for a local emulator on localhost");
  }
  const origin = `${url.protocol}//${url.host}`;
  return new ManagementClient({
    domain: url.host,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    audience: `${origin}/api/v2/`,
    // Retries are ours (see retrying-fetch.ts), so the SDK's own are off.
    maxRetries: 0,
    fetch: createRetryingFetch({
      policy: { ...DEFAULT_RETRY_POLICY, ...config.retry },
      ...(url.protocol === "http:" ? { rewriteOrigin: { from: `https://${url.host}`, to: origin } } : {}),
    }),
  });
}

let client: ManagementClient | undefined;

/** The portal's Management API client, configured from lib/env (one per process). */
export function managementClient(): ManagementClient {
  if (!client) {
    const config = env();
    client = createManagementClient({
      domain: config.AUTH0_DOMAIN,
      clientId: config.AUTH0_MGMT_CLIENT_ID,
      clientSecret: config.AUTH0_MGMT_CLIENT_SECRET,
    });
  }
  return client;
}
