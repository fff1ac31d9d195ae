/**
 * The scopes of the portal's API (ADR 033). The emulator's resource server and the admin page
 * offer exactly these; `webhooks:manage` is granted here and checked by the webhook endpoints.
 */
export const API_SCOPES = [
  "consent:read",
  "consent:write",
  "consent:import",
  "events:read",
  "webhooks:manage",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** What each scope allows, for the admin page and the OpenAPI document. */
export const API_SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "consent:read": "Read people's current consent, purposes and policy versions",
  "consent:write": "Record consent decisions",
  "consent:import": "Import legacy consent records (backdated, method migration)",
  "events:read": "Read the change feed of consent events",
  "webhooks:manage": "Register and manage webhook endpoints",
};
