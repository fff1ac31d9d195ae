// The consent API's OpenAPI 3.1 document, generated from the same zod schemas the handlers
// validate with (ADR 033). Served at /api/v1/openapi.json; `npm run api:types` turns it into
// lib/api-client/schema.d.ts. No server-only imports: the generator script loads this file.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import { z } from "zod";
import { API_SCOPE_DESCRIPTIONS, type ApiScope } from "@/lib/auth/api-scopes";
import {
  changeFeedQuerySchema,
  changeFeedSchema,
  decisionResultSchema,
  idempotencyKeySchema,
  peopleByPurposeQuerySchema,
  peopleByPurposeSchema,
  personConsentQuerySchema,
  personConsentSchema,
  policyVersionPathSchema,
  policyVersionSchema,
  policyVersionsQuerySchema,
  policyVersionsSchema,
  problemSchema,
  purposePathSchema,
  purposesSchema,
  receiptPathSchema,
  receiptSchema,
  recordDecisionsSchema,
  registeredWebhookSchema,
  registerWebhookRequestSchema,
  legacyImportReportSchema,
  rotatedWebhookSecretSchema,
  rotateWebhookSecretRequestSchema,
  updateWebhookRequestSchema,
  webhookDeliveriesQuerySchema,
  webhookDeliveriesSchema,
  webhookDeliveryPathSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookEndpointsSchema,
  webhookPathSchema,
} from "./schemas";

/** Every problem code an API answer can carry, with what it means (listed on /api/docs). */
export const PROBLEM_CODES: Record<string, string> = {
  invalid_request: "No access token was sent (401).",
  invalid_token: "The access token is malformed, expired, for another API, or its client was revoked (401).",
  insufficient_scope: "The access token lacks the scope the call needs (403).",
  bad_request: "The query or the JSON is malformed (400).",
  validation_failed: "An input broke a rule; `issues` names each field and the reason (422).",
  not_found: "The person, purpose, policy version, webhook endpoint or delivery does not exist (404).",
  idempotency_conflict: "The Idempotency-Key was used before with a different request (409).",
  policy_outdated: "A newer policy version was published since the one shown: show it and ask again (409).",
  conflict:
    "The external id is linked to someone else, the person to another id of yours, a decision does not match the transparency log, or a webhook delivery to replay is still being tried (409).",
  subject_erased: "The person's data was erased: nothing can be read or recorded (410).",
  payload_too_large: "The body is over 100 kB, or an import over 100 MB (413).",
  upstream_unavailable: "Auth0 could not be reached to check a token or find a user; retry later (503).",
  internal: "Something went wrong on the portal's side (500).",
};

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The answers every call can give besides its own. */
function responses(success: ZodOpenApiResponsesObject, extra: Record<string, string> = {}): ZodOpenApiResponsesObject {
  const failures = {
    "401": "No valid access token",
    "403": "The token lacks the scope",
    ...extra,
  };
  return {
    ...success,
    ...Object.fromEntries(Object.entries(failures).map(([status, text]) => [status, problem(text)])),
  };
}

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

const idempotencyHeader = z.object({ "Idempotency-Key": idempotencyKeySchema.optional() });
const replayedHeader = z.object({
  "Idempotent-Replayed": z
    .literal("true")
    .optional()
    .meta({ description: "Sent when this is the stored first answer" }),
});

function operation(scope: ApiScope, definition: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  return {
    ...definition,
    description: `${definition.description ?? ""}\n\nScope: \`${scope}\`.`.trim(),
    security: [{ bearerAuth: [scope] }],
  };
}

export function createApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Consent Portal API",
      version: "1.0.0",
      description:
        "Record and read consent from the organisation's other systems. Calls carry an Auth0 access token for the portal's API audience (client credentials of an API client an admin registered). Every answer that records a decision carries its signed receipt; every call is in the access log.",
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: `An Auth0 access token (client credentials grant, audience: the portal's API_AUDIENCE). Scopes: ${Object.entries(
            API_SCOPE_DESCRIPTIONS,
          )
            .map(([scope, text]) => `\`${scope}\` (${text})`)
            .join(", ")}.`,
        },
      },
    },
    paths: {
      "/api/v1/decisions": {
        post: operation("consent:write", {
          operationId: "recordDecisions",
          summary: "Record a person's decisions",
          description:
            "Grants and withdrawals for one or several purposes of one person, recorded in the ledger with the API client as the actor. Grants name the policy versions shown and the SHA-256 of their text.",
          requestParams: { header: z.object({ "Idempotency-Key": idempotencyKeySchema.optional() }) },
          requestBody: { required: true, content: json(recordDecisionsSchema) },
          responses: responses(
            {
              "200": {
                description: "Nothing changed (or the replay of such an answer)",
                content: json(decisionResultSchema),
              },
              "201": {
                description: "Decisions recorded (or the replay of that answer)",
                content: json(decisionResultSchema),
              },
            },
            {
              "404": "No such person",
              "409": "Idempotency-Key reused with another body, an outdated policy version, or an external id conflict",
              "410": "The person's data was erased",
              "422": "The body broke a rule",
            },
          ),
        }),
      },
      "/api/v1/consent": {
        get: operation("consent:read", {
          operationId: "readPersonConsent",
          summary: "Read a person's current consent",
          description:
            "Every offered purpose (or one) with its state. Send the ETag back in If-None-Match: 304 while nothing changed.",
          requestParams: {
            query: personConsentQuerySchema,
            header: z.object({ "If-None-Match": z.string().optional() }),
          },
          responses: responses(
            {
              "200": {
                description: "The person's consent",
                headers: z.object({ ETag: z.string() }),
                content: json(personConsentSchema),
              },
              "304": { description: "Unchanged since the ETag sent" },
            },
            {
              "400": "The query is not valid",
              "404": "No such person or purpose",
              "410": "The person's data was erased",
            },
          ),
        }),
      },
      "/api/v1/purposes/{purpose}/people": {
        get: operation("consent:read", {
          operationId: "listPeopleByPurpose",
          summary: "Everyone with a purpose granted (or withdrawn)",
          description: "In subject-id order, a page at a time: pass `nextCursor` as `after`.",
          requestParams: { path: purposePathSchema, query: peopleByPurposeQuerySchema },
          responses: responses(
            { "200": { description: "A page", content: json(peopleByPurposeSchema) } },
            { "400": "The query is not valid", "404": "No such purpose" },
          ),
        }),
      },
      "/api/v1/events": {
        get: operation("events:read", {
          operationId: "readChangeFeed",
          summary: "The change feed: consent events after a cursor",
          description:
            "In the transparency log's order: events appear once the log has integrated them (about a second), never out of order, so `nextAfter` never skips one. With `wait`, a read that finds nothing after the cursor waits (up to 30 s) and answers as soon as an event is there: long polling without a busy loop.",
          requestParams: { query: changeFeedQuerySchema },
          responses: responses(
            { "200": { description: "The next events", content: json(changeFeedSchema) } },
            { "400": "The query is not valid" },
          ),
        }),
      },
      "/api/v1/receipts/{eventId}": {
        get: operation("consent:read", {
          operationId: "readReceipt",
          summary: "A decision's signed receipt, with its proof once witnessed",
          description:
            "The same JWS the write answered; `proof` is filled once the event is in a witnessed checkpoint of the transparency log.",
          requestParams: { path: receiptPathSchema },
          responses: responses(
            { "200": { description: "The receipt", content: json(receiptSchema) } },
            { "404": "No such decision", "409": "The decision does not match the transparency log" },
          ),
        }),
      },
      "/api/v1/purposes": {
        get: operation("consent:read", {
          operationId: "listPurposes",
          summary: "The purposes offered",
          responses: responses({ "200": { description: "Purposes", content: json(purposesSchema) } }),
        }),
      },
      "/api/v1/policy-versions": {
        get: operation("consent:read", {
          operationId: "listPolicyVersions",
          summary: "Published policy versions, newest first",
          requestParams: { query: policyVersionsQuerySchema },
          responses: responses({ "200": { description: "Policy versions", content: json(policyVersionsSchema) } }),
        }),
      },
      "/api/v1/policy-versions/{id}": {
        get: operation("consent:read", {
          operationId: "readPolicyVersion",
          summary: "One policy version with its text",
          requestParams: { path: policyVersionPathSchema },
          responses: responses(
            { "200": { description: "The version", content: json(policyVersionSchema) } },
            { "404": "No such policy version" },
          ),
        }),
      },
      "/api/v1/webhooks": {
        get: operation("webhooks:manage", {
          operationId: "listWebhookEndpoints",
          summary: "The webhook endpoints, newest first",
          description: "Every endpoint (registered by admins or clients), with its deliveries waiting and given up.",
          responses: responses({ "200": { description: "Endpoints", content: json(webhookEndpointsSchema) } }),
        }),
        post: operation("webhooks:manage", {
          operationId: "registerWebhookEndpoint",
          summary: "Register a webhook endpoint",
          description:
            "Deliveries are signed per Standard Webhooks with the secret in this answer (shown once), retried for 3 days and sent in order per person. An endpoint whose every delivery failed for 24 hours is disabled.",
          requestParams: { header: idempotencyHeader },
          requestBody: { required: true, content: json(registerWebhookRequestSchema) },
          responses: responses(
            {
              "201": {
                description: "Registered (or the replay of that answer, with `secret` null)",
                headers: replayedHeader,
                content: json(registeredWebhookSchema),
              },
            },
            { "409": "Idempotency-Key reused with another body", "422": "The body broke a rule (a private address…)" },
          ),
        }),
      },
      "/api/v1/webhooks/{endpointId}": {
        get: operation("webhooks:manage", {
          operationId: "readWebhookEndpoint",
          summary: "One webhook endpoint",
          requestParams: { path: webhookPathSchema },
          responses: responses(
            { "200": { description: "The endpoint", content: json(webhookEndpointSchema) } },
            { "404": "No such endpoint" },
          ),
        }),
        patch: operation("webhooks:manage", {
          operationId: "updateWebhookEndpoint",
          summary: "Disable or enable a webhook endpoint",
          description:
            "Disabled, it gets nothing new and its waiting deliveries wait; enabled again, they resume in order. Events recorded meanwhile are not queued: catch up from the change feed.",
          requestParams: { path: webhookPathSchema, header: idempotencyHeader },
          requestBody: { required: true, content: json(updateWebhookRequestSchema) },
          responses: responses(
            {
              "200": { description: "The endpoint now", headers: replayedHeader, content: json(webhookEndpointSchema) },
            },
            {
              "404": "No such endpoint",
              "409": "Idempotency-Key reused with another body",
              "422": "The body broke a rule",
            },
          ),
        }),
      },
      "/api/v1/webhooks/{endpointId}/rotate-secret": {
        post: operation("webhooks:manage", {
          operationId: "rotateWebhookSecret",
          summary: "Give an endpoint a new secret, the old one signing beside it for a while",
          description:
            "During the overlap every delivery carries two signatures (old and new secret), so the receiver switches when it likes.",
          requestParams: { path: webhookPathSchema, header: idempotencyHeader },
          requestBody: { required: true, content: json(rotateWebhookSecretRequestSchema) },
          responses: responses(
            {
              "200": {
                description: "The new secret (null in a replayed answer)",
                headers: replayedHeader,
                content: json(rotatedWebhookSecretSchema),
              },
            },
            {
              "404": "No such endpoint",
              "409": "Idempotency-Key reused with another body",
              "422": "The body broke a rule",
            },
          ),
        }),
      },
      "/api/v1/webhooks/{endpointId}/deliveries": {
        get: operation("webhooks:manage", {
          operationId: "listWebhookDeliveries",
          summary: "An endpoint's delivery log, newest first",
          requestParams: { path: webhookPathSchema, query: webhookDeliveriesQuerySchema },
          responses: responses(
            { "200": { description: "Deliveries", content: json(webhookDeliveriesSchema) } },
            { "400": "The query is not valid", "404": "No such endpoint" },
          ),
        }),
      },
      "/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/replay": {
        post: operation("webhooks:manage", {
          operationId: "replayWebhookDelivery",
          summary: "Send a delivery again",
          description:
            "A new delivery at the end of the endpoint's queue with the same message (the same `webhook-id`, so a receiver can drop a duplicate). Not for a delivery still being tried.",
          requestParams: { path: webhookDeliveryPathSchema, header: idempotencyHeader },
          responses: responses(
            {
              "202": {
                description: "Queued",
                headers: replayedHeader,
                content: json(z.object({ delivery: webhookDeliverySchema }).meta({ id: "ReplayedWebhookDelivery" })),
              },
            },
            {
              "404": "No such delivery for this endpoint",
              "409": "The delivery is still being tried, or the Idempotency-Key was used for another request",
            },
          ),
        }),
      },
      "/api/v1/imports/legacy-consents": {
        post: operation("consent:import", {
          operationId: "importLegacyConsents",
          summary: "Import legacy consent: an Auth0 users export (NDJSON)",
          description:
            "One Auth0 user per line, with `user_metadata.consent` (`given`, `date`, `text_details`) or the portal's own `consent`; each becomes ledger events with method `migration`, the original date as client time and `text_details` in the reason. Streamed line by line; bad lines are reported with their number and reason and do not stop the import. Resumable: sending the same file again appends nothing twice (lines already imported are counted in `alreadyImported`), so after a cut-off upload send it again, or send a large export in parts. At most 100 MB per request.",
          requestBody: {
            required: true,
            content: {
              "application/x-ndjson": {
                schema: z.string().meta({ description: "One JSON object (an Auth0 user) per line" }),
              },
            },
          },
          responses: responses(
            {
              "200": {
                description: "What was imported, skipped and rejected",
                content: json(legacyImportReportSchema),
              },
            },
            { "413": "The upload is over 100 MB: send it in parts" },
          ),
        }),
      },
    },
  });
}
