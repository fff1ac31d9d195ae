// A typed client for the consent API: openapi-fetch over the types generated from the OpenAPI
// document, so a call that does not match the API does not compile. For other systems written in
// TypeScript, and for the portal's own integration tests.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export type { paths } from "./schema";

export function createConsentApiClient(options: {
  /** The portal's origin, e.g. https://consent.example.com */
  baseUrl: string;
  /** An Auth0 access token for the portal's API audience. */
  accessToken: string;
  fetch?: typeof globalThis.fetch;
}) {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.accessToken}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
