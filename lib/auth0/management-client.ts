import "server-only";
import { ManagementClient } from "auth0";
import { auth0Origin } from "./auth0-origin";
import { emulatorOriginFetch } from "./emulator-origin-fetch";
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
 * Server only; the token never leaves it. Domain code uses the `Auth0Gateway` built on it.
 */
export function createManagementClient(config: ManagementClientConfig): ManagementClient {
  const origin = auth0Origin(config.domain);
  return new ManagementClient({
    domain: origin.host,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    audience: `${origin.origin}/api/v2/`,
    // Retries are ours (see retrying-fetch.ts), so the SDK's own are off.
    maxRetries: 0,
    fetch: createRetryingFetch({
      policy: { ...DEFAULT_RETRY_POLICY, ...config.retry },
      ...(origin.protocol === "http:" ? { fetch: emulatorOriginFetch(origin, fetch) } : {}),
    }),
  });
}
