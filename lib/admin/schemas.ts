import { z } from "zod";
import { WITHDRAWAL_ACTIONS } from "@/lib/consent/schemas";
import { policyKindSchema, purposeKeySchema } from "@/lib/policies/schemas";

/** An HTML checkbox: present ("on") when ticked, absent otherwise. */
const checkbox = z.preprocess((value) => value === "on" || value === "true" || value === true, z.boolean());

/** Form fields that may be left empty. */
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** What every admin change records. */
export const ADMIN_CHANGE_ACTIONS = [
  "purpose.create",
  "purpose.update",
  "purpose.retire",
  "purpose.reinstate",
  "purpose.delete",
  "policy.draft.save",
  "policy.draft.delete",
  "policy.publish",
  "withdrawal_policy.update",
  "role.grant",
  "role.revoke",
] as const;
export type AdminChangeAction = (typeof ADMIN_CHANGE_ACTIONS)[number];

export const adminChangeSchema = z.strictObject({
  /** The admin's Auth0 user id. */
  actorId: z.string().min(1).max(200),
  action: z.enum(ADMIN_CHANGE_ACTIONS),
  target: z.string().max(200).nullish(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AdminChangeEntry = z.input<typeof adminChangeSchema>;

// --- Purposes ------------------------------------------------------------------------------------

const title = z.string().trim().min(1, "enter a title").max(120);
const description = z.string().trim().min(1, "enter a description").max(2000);
const position = z.coerce.number().int().min(0).max(10_000);

export const createPurposeFormSchema = z.object({
  key: purposeKeySchema,
  title,
  description,
  required: checkbox,
  policyKind: policyKindSchema,
  position: z.preprocess(blankToUndefined, position.default(0)),
});
export type CreatePurposeForm = z.output<typeof createPurposeFormSchema>;

export const editPurposeFormSchema = z.object({
  key: purposeKeySchema,
  title,
  description,
  required: checkbox,
  position,
});
export type EditPurposeForm = z.output<typeof editPurposeFormSchema>;

export const purposeKeyFormSchema = z.object({ key: purposeKeySchema });

// --- Policy drafts ---------------------------------------------------------------------------------

const versionLabel = z
  .string()
  .trim()
  .min(1, "enter a version label, e.g. 2 or 2026-11")
  .max(40)
  .regex(/^[\w.-]+$/, "use letters, digits, dots, hyphens and underscores");

export const policyDraftFormSchema = z.object({
  /** Empty for a new draft. */
  id: z.preprocess(blankToUndefined, z.uuid().optional()),
  kind: policyKindSchema,
  version: versionLabel,
  title: z.string().trim().min(1, "enter a title").max(200),
  /** Empty: the portal's own page for the version, `/policies/<kind>/<version>`. */
  url: z.preprocess(
    blankToUndefined,
    z
      .union([
        z.url({ protocol: /^https?$/, error: "must be an http(s) URL or a path starting with /" }),
        z.string().regex(/^\/[^\s]*$/, "must be an http(s) URL or a path starting with /"),
      ])
      .optional(),
  ),
  /**
   * Line endings normalized to LF: browsers submit a textarea with CRLF, and the published text's
   * SHA-256 must not depend on the browser or OS it was typed in.
   */
  text: z.preprocess(
    (value) => (typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value),
    z.string().min(1, "write the text").max(500_000),
  ),
});
export type PolicyDraftForm = z.output<typeof policyDraftFormSchema>;

export const publishDraftFormSchema = z.object({
  id: z.uuid(),
  /** The SHA-256 the admin saw in the preview: publishing refuses if the draft changed since. */
  textSha256: z.string().regex(/^[0-9a-f]{64}$/),
  requiresReconsent: checkbox,
  confirm: checkbox.refine((ticked) => ticked, "tick the box to confirm: a published text can never be changed"),
});
export type PublishDraftForm = z.output<typeof publishDraftFormSchema>;

export const draftIdFormSchema = z.object({ id: z.uuid() });

// --- Withdrawal policy, roles ------------------------------------------------------------------------

export const withdrawalPolicyFormSchema = z.object({
  onRequiredWithdrawal: z.enum(WITHDRAWAL_ACTIONS, "choose flag or delete"),
});

export const STAFF_ROLES = ["compliance", "admin"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const changeRoleFormSchema = z.object({
  /** An Auth0 user id, or an email address to look the user up by. */
  user: z.string().trim().min(3, "enter an email address or an Auth0 user id").max(320),
  role: z.enum(STAFF_ROLES),
  change: z.enum(["grant", "revoke"]),
});
export type ChangeRoleForm = z.output<typeof changeRoleFormSchema>;
