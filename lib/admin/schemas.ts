import { z } from "zod";
import { WITHDRAWAL_ACTIONS, withdrawalPolicySchema } from "@/lib/consent/schemas";
import { API_SCOPES } from "@/lib/auth/api-scopes";
import { formCheckbox, formInteger, formList, formOptional } from "@/lib/http/form-fields";
import {
  createPurposeSchema,
  draftIdSchema,
  policyDraftSchema,
  policyKindSchema,
  publishDraftSchema,
  purposeKeyInputSchema,
  updatePurposeSchema,
} from "@/lib/policies/schemas";

// --- What every admin change records: one payload shape per action -------------------------------

const purposeFields = z.object({
  title: z.string(),
  description: z.string().optional(),
  required: z.boolean(),
  requiresVerifiedEmail: z.boolean().optional(),
  position: z.number().optional(),
  policyKind: policyKindSchema.optional(),
});
const roles = z.array(z.string());
/** A purpose wording version published by the change (ADR 025). */
const purposeVersion = z.object({
  purposeVersionId: z.uuid(),
  version: z.number().int().min(1),
  textSha256: z.string().regex(/^[0-9a-f]{64}$/),
  requiresReconsent: z.boolean().optional(),
  changeSummary: z.string().optional(),
  /** People who had the purpose granted when the version was published. */
  affected: z.number().int().min(0).optional(),
});

/** The AdminChange payloads, typed per action (`target` names what changed). */
export const adminChangeSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("purpose.create"),
    target: z.string(),
    after: purposeFields.extend({ version: purposeVersion.optional() }),
  }),
  z.strictObject({
    action: z.literal("purpose.update"),
    target: z.string(),
    /** `version`: the wording version that was current. */
    before: purposeFields.extend({ version: z.number().int().min(1).optional() }),
    after: purposeFields.partial().extend({ version: purposeVersion.optional() }),
  }),
  z.strictObject({ action: z.literal("purpose.retire"), target: z.string() }),
  z.strictObject({ action: z.literal("purpose.reinstate"), target: z.string() }),
  z.strictObject({ action: z.literal("purpose.delete"), target: z.string(), before: z.object({ title: z.string() }) }),
  z.strictObject({
    action: z.literal("policy.draft.save"),
    target: z.string(),
    after: z.object({ draftId: z.uuid(), textSha256: z.string() }),
  }),
  z.strictObject({ action: z.literal("policy.draft.delete"), target: z.string() }),
  z.strictObject({
    action: z.literal("policy.publish"),
    target: z.string(),
    after: z.object({
      policyVersionId: z.uuid(),
      textSha256: z.string(),
      requiresReconsent: z.boolean(),
      changeSummary: z.string().optional(),
      draftId: z.uuid().optional(),
    }),
  }),
  z.strictObject({
    action: z.literal("withdrawal_policy.update"),
    target: z.literal("consent.withdrawalPolicy"),
    before: withdrawalPolicySchema,
    after: withdrawalPolicySchema,
  }),
  z.strictObject({ action: z.literal("role.grant"), target: z.string(), before: roles, after: roles }),
  z.strictObject({ action: z.literal("role.revoke"), target: z.string(), before: roles, after: roles }),
  /** An admin ended someone's sessions (ADR 035); `before.sessions`: how many were active. */
  z.strictObject({
    action: z.literal("session.end"),
    target: z.string(),
    before: z.object({ sessions: z.number().int().min(0) }),
  }),
  z.strictObject({
    action: z.literal("api_token.create"),
    /** The token's id; the token itself is never stored or logged. */
    target: z.uuid(),
    after: z.object({ role: z.enum(["compliance", "admin"]), label: z.string(), expiresAt: z.string() }),
  }),
  z.strictObject({ action: z.literal("api_token.revoke"), target: z.uuid() }),
  // Webhooks (ADR 034): `target` is the endpoint's id (a delivery's for a replay); secrets are never logged.
  z.strictObject({
    action: z.literal("webhook.register"),
    target: z.uuid(),
    after: z.object({ url: z.string(), events: z.array(z.string()) }),
  }),
  z.strictObject({
    action: z.literal("webhook.rotate_secret"),
    target: z.uuid(),
    after: z.object({ previousSecretExpiresAt: z.string() }),
  }),
  z.strictObject({ action: z.literal("webhook.enable"), target: z.uuid() }),
  z.strictObject({
    action: z.literal("webhook.disable"),
    target: z.uuid(),
    after: z.object({ reason: z.string() }),
  }),
  z.strictObject({
    action: z.literal("webhook.replay"),
    target: z.uuid(),
    after: z.object({ replayDeliveryId: z.uuid() }),
  }),
  z.strictObject({
    action: z.literal("api_client.register"),
    /** The Auth0 client id; its secret is never stored or logged. */
    target: z.string(),
    after: z.object({ name: z.string(), scope: z.string() }),
  }),
  z.strictObject({ action: z.literal("api_client.revoke"), target: z.string() }),
  z.strictObject({
    action: z.literal("auth0.repair"),
    /** The reconciliation run that found the drift (ADR 041). */
    target: z.uuid(),
    /** Whose Auth0 copy was queued for a rewrite, and how many of them showed each kind of drift. */
    after: z.object({
      subjectIds: z.array(z.uuid()),
      drift: z.object({
        consent: z.number().int().min(0),
        flatKeys: z.number().int().min(0),
        unflaggedClosed: z.number().int().min(0),
      }),
    }),
  }),
  z.strictObject({
    action: z.literal("keys.rewrap"),
    /** The master key the batch's data keys are wrapped by now. */
    target: z.string(),
    /** How many rows each older key (id, or "unversioned" for rows from before key ids) wrapped. */
    before: z.record(z.string(), z.number().int()),
    after: z.object({ subjects: z.number().int(), firstSubjectId: z.uuid(), lastSubjectId: z.uuid() }),
  }),
  z.strictObject({
    action: z.literal("keys.rewrap_webhook_secrets"),
    /** The master key the endpoints' secrets are sealed by now. */
    target: z.string(),
    /** How many secrets (current and previous) each older key sealed. */
    before: z.record(z.string(), z.number().int()),
    after: z.object({ endpoints: z.number().int(), secrets: z.number().int() }),
  }),
]);
export type AdminChangeEntry = z.input<typeof adminChangeSchema>;
export type AdminChangeAction = AdminChangeEntry["action"];

// --- Forms: the domain schemas with the form coercions ---------------------------------------------

export const createPurposeFormSchema = z.object({
  ...createPurposeSchema.shape,
  required: formCheckbox,
  requiresVerifiedEmail: formCheckbox,
  position: formOptional(formInteger(0, 10_000).default(0)),
});

export const updatePurposeFormSchema = z.object({
  ...updatePurposeSchema.shape,
  title: createPurposeSchema.shape.title,
  description: createPurposeSchema.shape.description,
  required: formCheckbox,
  requiresVerifiedEmail: formCheckbox,
  position: formInteger(0, 10_000),
  wordingChange: formOptional(updatePurposeSchema.shape.wordingChange),
  changeSummary: formOptional(updatePurposeSchema.shape.changeSummary),
  fromVersion: formOptional(formInteger(1, 1_000_000).optional()),
});

export const purposeKeyFormSchema = z.object(purposeKeyInputSchema.shape);

export const policyDraftFormSchema = z.object({
  ...policyDraftSchema.shape,
  id: formOptional(policyDraftSchema.shape.id),
  url: formOptional(policyDraftSchema.shape.url),
});

export const publishDraftFormSchema = z
  .object({
    ...publishDraftSchema.shape,
    requiresReconsent: formCheckbox,
    changeSummary: formOptional(publishDraftSchema.shape.changeSummary),
    confirm: formCheckbox.refine((ticked) => ticked, "tick the box to confirm: a published text can never be changed"),
  })
  // People asked to agree again are told first what changed (issue 16).
  .refine((form) => !form.requiresReconsent || form.changeSummary, {
    path: ["changeSummary"],
    message: "say what changed: people asked to agree again see this summary first",
  });

export const draftIdFormSchema = z.object(draftIdSchema.shape);

// --- Withdrawal policy, roles ------------------------------------------------------------------------

export const withdrawalPolicyFormSchema = z.object({
  onRequiredWithdrawal: z.enum(WITHDRAWAL_ACTIONS, "choose flag or delete"),
});

export const STAFF_ROLES = ["compliance", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const changeStaffRoleSchema = z.strictObject({
  /** An Auth0 user id, or an email address to look the user up by. */
  user: z.string().trim().min(3, "enter an email address or an Auth0 user id").max(320),
  role: z.enum(STAFF_ROLES),
  change: z.enum(["grant", "revoke"]),
});
export type ChangeStaffRoleInput = z.input<typeof changeStaffRoleSchema>;
export const changeRoleFormSchema = z.object(changeStaffRoleSchema.shape);

// --- API clients (ADR 033) ---------------------------------------------------------------------

export const registerApiClientSchema = z.strictObject({
  name: z.string().trim().min(2, "enter a name of at least 2 characters").max(100),
  scopes: z.array(z.enum(API_SCOPES)).min(1, "choose at least one scope"),
});
export type RegisterApiClientInput = z.input<typeof registerApiClientSchema>;

/**
 * The admin page's form: the scopes are a group of checkboxes. Like every form, it drops fields it
 * does not know (a strict object would refuse them without naming a field the admin can correct).
 */
export const registerApiClientFormSchema = z.object({
  ...registerApiClientSchema.shape,
  scopes: formList(z.enum(API_SCOPES)).pipe(z.array(z.enum(API_SCOPES)).min(1, "choose at least one scope")),
});

export const revokeApiClientSchema = z.strictObject({ clientId: z.string().min(1).max(200) });
export const revokeApiClientFormSchema = z.object(revokeApiClientSchema.shape);
