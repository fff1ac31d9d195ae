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
} from "./schemas";

/** Every problem code an API answer can carry, with what it means (listed on /api/docs). */
export const PROBLEM_CODES: Record<string, string> = {
  invalid_request: "No access token was sent (401).",
  invalid_token: "The access token is malformed, expired, for another API, or its client was revoked (401).",
  insufficient_scope: "The access token lacks the scope the call needs (403).",
  bad_request: "The query or the JSON is malformed (400).",
  validation_failed: "An input broke a rule; `issues` names each field and the reason (422).",
  not_found: "The person, purpose or policy version does not exist (404).",
  idempotency_conflict: "The Idempotency-Key was used before with a different request (409).",
  policy_outdated: "A newer policy version was published since the one shown: show it and ask again (409).",
  conflict:
    "The external id is linked to someone else, the person to another id of yours, or a decision does not match the transparency log (409).",
  subject_erased: "The person's data was erased: nothing can be read or recorded (410).",
  payload_too_large: "The body is over 100 kB (413).",
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
            "In the transparency log's order: events appear once the log has integrated them (about a second), never out of order, so `nextAfter` never skips one.",
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
    },
  });
}
