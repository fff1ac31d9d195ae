// The consent API's inputs and answers (ADR 033). The route handlers validate with these, and the
// OpenAPI document (openapi-document.ts) is generated from them, so the two cannot disagree.
// Plain zod with `.meta()`: no server-only imports, so `npm run api:types` can load it.
import "zod-openapi";
import { z } from "zod";
import { policyKindSchema, purposeKeySchema } from "@/lib/policies/schemas";
import { instantSchema } from "@/lib/dates";
import { registerWebhookEndpointSchema, rotateWebhookSecretSchema, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/schemas";

const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a SHA-256 in lower-case hex (64 characters)")
  .meta({
    description: "SHA-256, lower-case hex",
    example: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  });
const dateTime = z.iso.datetime({ offset: true }).meta({ example: "2026-11-27T10:00:00.000Z" });
const purposeKey = purposeKeySchema.meta({ description: "A purpose's key", example: "marketing-email" });

const auth0UserId = z
  .string()
  .max(255)
  .regex(/^[^|\s]+\|\S+$/, "an Auth0 user id such as auth0|123")
  .meta({ description: "The person's Auth0 user id", example: "auth0|5f7c8ec7c33c6c004bbafe82" });
const externalId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
  .meta({ description: "Your own id for the person, registered by an earlier write", example: "crm-000123" });

/** Who a request is about: a subject id or an Auth0 user id, or the client's external id alone. */
const personFields = {
  subjectId: z.uuid().optional().meta({ description: "The portal's subject id" }),
  auth0UserId: auth0UserId.optional(),
  externalId: externalId.optional(),
};

function checkPersonReference(
  value: { subjectId?: string; auth0UserId?: string; externalId?: string },
  context: z.RefinementCtx,
) {
  if (value.subjectId && value.auth0UserId) {
    context.addIssue({ code: "custom", path: ["auth0UserId"], message: "give subjectId or auth0UserId, not both" });
  }
  if (!value.subjectId && !value.auth0UserId && !value.externalId) {
    context.addIssue({
      code: "custom",
      path: ["subjectId"],
      message: "name the person: subjectId, auth0UserId or externalId",
    });
  }
}

const personReferenceSchema = z.strictObject(personFields).superRefine(checkPersonReference).meta({
  id: "PersonReference",
  description:
    "The person, by `subjectId` or `auth0UserId`; with `externalId` as well, a write links your id to them (one id per person and client). `externalId` alone finds a person linked before.",
});
export type PersonReference = z.output<typeof personReferenceSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[\w.:-]+$/, "letters, digits, and . _ : - only")
  .meta({
    description:
      "Makes the request safe to retry: the same key with the same body answers the first answer again; with another body, 409.",
    example: "4d9a1c8e-5f0b-4c59-9d0e-2b7c0f3a6e11",
  });

const API_METHODS = ["api", "signup", "reconsent"] as const;

export const recordDecisionsSchema = z
  .strictObject({
    person: personReferenceSchema,
    decisions: z
      .array(
        z.strictObject({
          purpose: purposeKey,
          decision: z.enum(["granted", "withdrawn"]),
        }),
      )
      .min(1)
      .max(50)
      .refine((list) => new Set(list.map((item) => item.purpose)).size === list.length, "each purpose at most once"),
    shownPolicies: z
      .array(
        z.strictObject({
          id: z.uuid().meta({ description: "The policy version shown (see GET /api/v1/policy-versions)" }),
          textSha256: sha256Hex.meta({ description: "SHA-256 of the exact text shown; must be the version's" }),
        }),
      )
      .max(10)
      .default([])
      .meta({
        description: "The policy versions the person was shown: required for grants, one per governing document.",
      }),
    method: z.enum(API_METHODS).default("api").meta({
      description:
        "How the decision was collected: `api` in your product, `signup` at sign-up, `reconsent` after a new version.",
    }),
    clientTime: instantSchema
      .optional()
      .meta({ description: "When the person decided, by their device's clock", example: "2026-11-27T10:00:00.000Z" }),
    reason: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .meta({ description: "Recorded with the events, e.g. the screen the person used" }),
  })
  .meta({ id: "RecordDecisionsRequest" });
export type RecordDecisionsInput = z.input<typeof recordDecisionsSchema>;

const versionReference = z.object({ id: z.uuid(), textSha256: sha256Hex });
const receiptProofSchema = z
  .object({
    log: z.string(),
    leafIndex: z.int(),
    leafData: z.string(),
    inclusionProof: z.array(z.string()),
    checkpoint: z.string(),
  })
  .meta({ id: "ReceiptProof", description: "The event's inclusion in a witnessed checkpoint of the transparency log" });

const consentEventSchema = z
  .object({
    id: z.uuid(),
    subjectId: z.uuid(),
    seq: z.int().meta({ description: "The event's place in the person's hash chain" }),
    action: z.enum(["granted", "withdrawn", "erased", "requested"]).meta({
      description:
        "`requested`: asked for with an unverified address; a `granted` event (method `email_confirmation`) follows once verified",
    }),
    purpose: purposeKey.nullable(),
    purposeVersion: versionReference
      .nullable()
      .meta({ description: "The purpose wording the decision was made under" }),
    policyVersion: versionReference.nullable().meta({ description: "The policy version (and its text hash) shown" }),
    method: z.enum(["signup", "portal", "reconsent", "api", "staff", "migration", "email_confirmation"]),
    actorType: z.enum(["self", "staff", "api_client", "system"]),
    clientTime: dateTime.nullable(),
    serverTime: dateTime,
    hash: sha256Hex.meta({ description: "The event's hash in the person's chain" }),
  })
  .meta({ id: "ConsentEvent" });
export type ApiConsentEvent = z.output<typeof consentEventSchema>;

export const receiptSchema = z
  .object({
    jws: z.string().meta({ description: "Signed consent receipt (EdDSA JWS); keys at /api/receipts/jwks" }),
    proof: receiptProofSchema.nullable().meta({
      description:
        "Null until the event is in a witnessed checkpoint; then GET /api/v1/receipts/{eventId} answers it with the proof",
    }),
  })
  .meta({ id: "Receipt" });
export type ApiReceipt = z.output<typeof receiptSchema>;
export const receiptPathSchema = z.object({ eventId: z.uuid() });

export const decisionResultSchema = z
  .object({
    subjectId: z.uuid(),
    events: z.array(
      consentEventSchema.extend({
        receipt: receiptSchema,
      }),
    ),
    unchanged: z
      .array(purposeKey)
      .meta({ description: "Purposes whose state already was the one asked for: nothing recorded" }),
  })
  .meta({ id: "DecisionResult" });
export type DecisionResult = z.output<typeof decisionResultSchema>;

export const personConsentQuerySchema = z
  .strictObject({ ...personFields, purpose: purposeKey.optional() })
  .superRefine(checkPersonReference);

const policySummary = z.object({ id: z.uuid(), version: z.string(), textSha256: sha256Hex });
const wordingSummary = z.object({ id: z.uuid(), version: z.int(), textSha256: sha256Hex });

export const personConsentSchema = z
  .object({
    subjectId: z.uuid(),
    purposes: z.array(
      z.object({
        purpose: purposeKey,
        required: z.boolean(),
        status: z.enum(["granted", "withdrawn", "pending", "never"]).meta({
          description: "`pending`: requested, waiting for the person to verify their address; not given",
        }),
        updatedAt: dateTime.nullable(),
        eventId: z.uuid().nullable(),
        policyVersion: policySummary.nullable(),
        purposeVersion: wordingSummary.nullable(),
      }),
    ),
  })
  .meta({ id: "PersonConsent" });
export type PersonConsent = z.output<typeof personConsentSchema>;

export const purposePathSchema = z.object({ purpose: purposeKey });

export const peopleByPurposeQuerySchema = z.strictObject({
  status: z.enum(["granted", "withdrawn", "pending"]).default("granted"),
  after: z.uuid().optional().meta({ description: "The `nextCursor` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const peopleByPurposeSchema = z
  .object({
    items: z.array(
      z.object({
        subjectId: z.uuid(),
        auth0UserId: z.string().nullable(),
        externalId: z.string().nullable().meta({ description: "Your id for the person, if you linked one" }),
        status: z.enum(["granted", "withdrawn", "pending"]),
        updatedAt: dateTime,
        eventId: z.uuid(),
        policyVersionId: z.uuid().nullable(),
      }),
    ),
    nextCursor: z.uuid().nullable().meta({ description: "Pass as `after` for the next page; null on the last page" }),
  })
  .meta({ id: "PeopleByPurpose" });
export type PeopleByPurpose = z.output<typeof peopleByPurposeSchema>;

/** The longest a change-feed read waits for a new event (long polling). */
const MAX_FEED_WAIT_SECONDS = 30;

export const changeFeedQuerySchema = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(-1)
    .default(-1)
    .meta({ description: "The last log index you have seen (`nextAfter`); -1 or absent: from the start" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_FEED_WAIT_SECONDS)
    .default(0)
    .meta({
      description: `Long polling: when nothing is after the cursor, wait up to this many seconds (at most ${MAX_FEED_WAIT_SECONDS}) and answer as soon as an event is; 0 answers at once`,
    }),
});

export const changeFeedSchema = z
  .object({
    events: z.array(
      consentEventSchema.extend({
        logIndex: z.int().meta({ description: "The event's index in the transparency log" }),
      }),
    ),
    nextAfter: z.int().meta({ description: "Pass as `after` to continue; the same value when nothing new" }),
    hasMore: z.boolean(),
  })
  .meta({ id: "ChangeFeed" });
export type ChangeFeed = z.output<typeof changeFeedSchema>;

export const purposesSchema = z
  .object({
    purposes: z.array(
      z.object({
        key: purposeKey,
        title: z.string(),
        description: z.string(),
        required: z.boolean(),
        policyKind: policyKindSchema,
        currentVersion: wordingSummary.extend({ publishedAt: dateTime }),
      }),
    ),
  })
  .meta({ id: "Purposes" });
export type ApiPurposes = z.output<typeof purposesSchema>;

export const policyVersionsQuerySchema = z.strictObject({ kind: policyKindSchema.optional() });
export const policyVersionPathSchema = z.object({ id: z.uuid() });

const policyVersionFields = {
  id: z.uuid(),
  kind: policyKindSchema,
  version: z.string(),
  title: z.string(),
  url: z.string(),
  textSha256: sha256Hex,
  publishedAt: dateTime,
  requiresReconsent: z.boolean(),
  current: z.boolean().meta({ description: "The version in force for its kind" }),
};
export const policyVersionsSchema = z
  .object({ policyVersions: z.array(z.object(policyVersionFields)) })
  .meta({ id: "PolicyVersions" });
export type ApiPolicyVersions = z.output<typeof policyVersionsSchema>;
export const policyVersionSchema = z.object({ ...policyVersionFields, text: z.string() }).meta({ id: "PolicyVersion" });
export type ApiPolicyVersion = z.output<typeof policyVersionSchema>;

export const problemSchema = z
  .object({
    type: z.string().meta({ description: "A URI reference naming the problem; `/api/docs#problem-<code>`" }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z
      .string()
      .meta({ description: "The machine-readable reason, e.g. `validation_failed`, `insufficient_scope`" }),
    field: z.string().optional().meta({ description: "The first offending input" }),
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

// --- Webhooks (scope webhooks:manage, ADR 034) ------------------------------------------------------

const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES).meta({ description: "An event an endpoint can receive" });

export const registerWebhookRequestSchema = registerWebhookEndpointSchema
  .extend({
    url: registerWebhookEndpointSchema.shape.url.meta({
      description: "Where deliveries are POSTed: http(s), public addresses only",
      example: "https://crm.example.com/hooks/consent",
    }),
    events: registerWebhookEndpointSchema.shape.events.meta({ description: "The events to deliver" }),
    description: registerWebhookEndpointSchema.shape.description.meta({ description: "A note for admins" }),
  })
  .meta({ id: "RegisterWebhookRequest" });
export type RegisterWebhookRequest = z.input<typeof registerWebhookRequestSchema>;

export const webhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(webhookEventType),
    createdAt: dateTime,
    enabled: z.boolean(),
    disabledAt: dateTime.nullable(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: "Why it was disabled: by whom, or after 24 hours of failures with the last error" }),
    failingSince: dateTime.nullable().meta({ description: "Start of the current run of failed deliveries" }),
    consecutiveFailures: z.int(),
    previousSecretExpiresAt: dateTime
      .nullable()
      .meta({ description: "During a rotation: until when the previous secret signs too" }),
    pending: z.int().meta({ description: "Deliveries waiting" }),
    failed: z.int().meta({ description: "Deliveries given up (replayable)" }),
  })
  .meta({ id: "WebhookEndpoint" });
export type ApiWebhookEndpoint = z.output<typeof webhookEndpointSchema>;

export const webhookEndpointsSchema = z
  .object({ endpoints: z.array(webhookEndpointSchema) })
  .meta({ id: "WebhookEndpoints" });

const webhookSecretSchema = z.string().nullable().meta({
  description:
    "The signing secret (`whsec_…`), shown in this answer only: the portal keeps it sealed. Null when the answer is the replay of an Idempotency-Key: the secret is never stored in the clear, so rotate it if the first answer was lost.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const registeredWebhookSchema = z
  .object({ endpoint: webhookEndpointSchema, secret: webhookSecretSchema })
  .meta({ id: "RegisteredWebhook" });
export type RegisteredWebhook = z.output<typeof registeredWebhookSchema>;

export const webhookPathSchema = z.object({ endpointId: z.uuid() });
export const webhookDeliveryPathSchema = z.object({ endpointId: z.uuid(), deliveryId: z.uuid() });

export const updateWebhookRequestSchema = z
  .strictObject({
    enabled: z.boolean().meta({
      description:
        "false: nothing more is queued for it and what is queued waits; true: the waiting deliveries resume in order",
    }),
    reason: z.string().trim().min(1).max(500).optional().meta({ description: "Why it is disabled (shown to admins)" }),
  })
  .meta({ id: "UpdateWebhookRequest" });

export const rotateWebhookSecretRequestSchema = z
  .strictObject({ overlapHours: rotateWebhookSecretSchema.shape.overlapHours })
  .meta({
    id: "RotateWebhookSecretRequest",
    description:
      "`overlapHours` (default 24, at most 168): how long the previous secret keeps signing beside the new one; 0 ends it at once (after a leak).",
  });

export const rotatedWebhookSecretSchema = z
  .object({
    secret: webhookSecretSchema,
    previousSecretExpiresAt: dateTime.meta({ description: "Until then, deliveries carry both signatures" }),
  })
  .meta({ id: "RotatedWebhookSecret" });
export type RotatedWebhookSecret = z.output<typeof rotatedWebhookSecretSchema>;

export const webhookDeliveriesQuerySchema = z.strictObject({
  status: z.enum(["pending", "delivered", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const webhookDeliverySchema = z
  .object({
    id: z.uuid(),
    messageId: z.string().meta({ description: "The `webhook-id` header; a replay keeps it" }),
    eventType: webhookEventType,
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.int(),
    nextAttemptAt: dateTime,
    lastAttemptAt: dateTime.nullable(),
    lastStatusCode: z.int().nullable(),
    lastError: z.string().nullable(),
    createdAt: dateTime,
    deliveredAt: dateTime.nullable(),
    replayOf: z.uuid().nullable().meta({ description: "The delivery this one sends again" }),
  })
  .meta({ id: "WebhookDelivery" });
export type ApiWebhookDelivery = z.output<typeof webhookDeliverySchema>;

export const webhookDeliveriesSchema = z
  .object({ deliveries: z.array(webhookDeliverySchema).meta({ description: "Newest first" }) })
  .meta({ id: "WebhookDeliveries" });

// --- Legacy import (scope consent:import, ADR 034) ---------------------------------------------------

const importLineNote = z.object({
  line: z.int().meta({ description: "1-based line number in the upload" }),
  reason: z.string(),
});

export const legacyImportReportSchema = z
  .object({
    lines: z.int().meta({ description: "Non-blank lines read" }),
    imported: z.int().meta({ description: "Lines whose decisions were recorded now" }),
    events: z.int().meta({ description: "Ledger events appended" }),
    alreadyImported: z
      .int()
      .meta({ description: "Lines an earlier upload recorded (same user and date): nothing appended again" }),
    skipped: z.array(importLineNote).meta({
      description: "Valid lines with nothing to record: no consent, a flagged account, or newer decisions",
    }),
    rejected: z.array(importLineNote).meta({ description: "Lines that could not be read or recorded, with why" }),
    truncated: z.boolean().meta({ description: "The notes were cut off (the counts stay exact)" }),
    skippedCount: z.int(),
    rejectedCount: z.int(),
  })
  .meta({ id: "LegacyImportReport" });
