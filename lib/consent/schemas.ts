import { z } from "zod";
import { instantSchema } from "@/lib/dates";
import { purposeKeySchema } from "@/lib/policies/schemas";

const COLLECTION_METHODS = ["signup", "portal", "reconsent", "api", "staff", "migration"] as const;

/**
 * The actor as the ledger records it (built from the request's Actor by `recordedActor`): the
 * person themselves, a staff member (with a reason), an API client, or the system.
 */
export const recordedActorSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("self") }),
  z.strictObject({
    type: z.literal("staff"),
    /** The staff member's Auth0 user id. */
    id: z.string().min(1).max(200),
    reason: z.string().trim().min(3, "staff must give a reason").max(1000),
  }),
  z.strictObject({
    type: z.literal("system"),
    /** Which component, e.g. `mgmt-proxy` or `import:2026-11`. */
    id: z.string().min(1).max(200),
    reason: z.string().trim().max(1000).optional(),
  }),
  z.strictObject({
    type: z.literal("api_client"),
    /** The API client's id. */
    id: z.string().min(1).max(200),
    reason: z.string().trim().max(1000).optional(),
  }),
]);
export type RecordedActor = z.output<typeof recordedActorSchema>;

/** Why staff (or a system component) recorded a decision; staff must give one. */
const reasonSchema = z.string().trim().max(1000).optional();

/** Facts about the request, minimised before storage (IP truncated, user agent hashed). */
export const requestContextSchema = z.strictObject({
  ip: z.string().max(100).nullish(),
  userAgent: z.string().max(2000).nullish(),
  /** When the person's device says they decided (ISO 8601). */
  clientTime: instantSchema.nullish(),
});
export type RequestContext = z.input<typeof requestContextSchema>;

/** Optional but recommended: a key per form submission (e.g. a UUID in a hidden field). */
const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[\w.:-]+$/, "letters, digits, and . _ : - only");

export const grantConsentSchema = z.strictObject({
  subjectId: z.uuid(),
  /** Purpose keys the person agreed to. */
  purposes: z.array(purposeKeySchema).min(1).max(50),
  /** Ids of the policy versions the person was shown (each purpose's governing document). */
  policyVersionIds: z.array(z.uuid()).min(1).max(10),
  /**
   * Ids of the purpose versions (wording) the person was shown. When given, each granted purpose's
   * current version must be among them; when left out, the current wording is recorded.
   */
  purposeVersionIds: z.array(z.uuid()).max(50).optional(),
  method: z.enum(COLLECTION_METHODS),
  reason: reasonSchema,
  context: requestContextSchema.default({}),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type GrantConsentInput = z.input<typeof grantConsentSchema>;

/** The address is verified (ADR 040): the portal re-read the user, or an ID token says so. */
export const confirmEmailConsentsSchema = z.strictObject({
  subjectId: z.uuid(),
  /** Why the system records it (e.g. which check it made); a person confirming needs none. */
  reason: reasonSchema,
  context: requestContextSchema.default({}),
});
export type ConfirmEmailConsentsInput = z.input<typeof confirmEmailConsentsSchema>;

export const withdrawConsentSchema = z.strictObject({
  subjectId: z.uuid(),
  purposes: z.array(purposeKeySchema).min(1).max(50),
  method: z.enum(COLLECTION_METHODS).default("portal"),
  reason: reasonSchema,
  /** Record a required purpose that was never given as refused (declining at the gate closes the account). */
  declineRequired: z.boolean().optional(),
  context: requestContextSchema.default({}),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type WithdrawConsentInput = z.input<typeof withdrawConsentSchema>;

export const eraseSubjectSchema = z.strictObject({
  subjectId: z.uuid(),
  reason: reasonSchema,
  context: requestContextSchema.default({}),
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type EraseSubjectInput = z.input<typeof eraseSubjectSchema>;

export const WITHDRAWAL_ACTIONS = ["flag", "delete"] as const;
export const withdrawalPolicySchema = z.strictObject({
  /**
   * What withdrawing a required consent does to the Auth0 user: `flag` sets
   * `app_metadata.deleted = true` (sign-in is then refused), `delete` deletes the user.
   */
  onRequiredWithdrawal: z.enum(WITHDRAWAL_ACTIONS),
});
export type WithdrawalPolicy = z.output<typeof withdrawalPolicySchema>;
