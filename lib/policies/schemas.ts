import { z } from "zod";

const POLICY_KINDS = ["terms", "privacy"] as const;
export const policyKindSchema = z.enum(POLICY_KINDS);

/** Purpose keys appear in Auth0 metadata (`user_metadata.consent.purposes.<key>`): keep them plain. */
export const purposeKeySchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, "use lower-case letters, digits and hyphens, starting with a letter");

const purposeTitle = z.string().trim().min(1, "enter a title").max(120);
/** Line endings normalized to LF, as for policy texts: the wording's SHA-256 must not depend on the browser. */
const purposeDescription = z.preprocess(
  (value) => (typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value),
  z.string().trim().min(1, "enter a description").max(2000),
);
const position = z.number().int().min(0).max(10_000);

export const createPurposeSchema = z.strictObject({
  key: purposeKeySchema,
  title: purposeTitle,
  description: purposeDescription,
  /** Required purposes (e.g. the Terms) must be granted to use the service. */
  required: z.boolean().default(false),
  /** Double opt-in (ADR 040): given with an address nobody verified, consent stays pending until it is. */
  requiresVerifiedEmail: z.boolean().default(false),
  /** The document that governs this purpose: its current version is recorded with each decision. */
  policyKind: policyKindSchema,
  position: position.default(0),
});
export type CreatePurposeInput = z.input<typeof createPurposeSchema>;

const WORDING_CHANGES = ["editorial", "reconsent"] as const;

/** The key and the governing document never change: past decisions refer to them. */
export const updatePurposeSchema = z.strictObject({
  key: purposeKeySchema,
  title: purposeTitle.optional(),
  description: purposeDescription.optional(),
  /** Making a purpose required sends everyone who has not agreed to it through the consent gate. */
  required: z.boolean().optional(),
  /** Turning it on affects new decisions only: consent already given stays given. */
  requiresVerifiedEmail: z.boolean().optional(),
  position: position.optional(),
  /**
   * Required when the title or description changes (a new version): `editorial` keeps everyone's
   * consent; `reconsent` asks everyone who granted an earlier version again at the consent gate.
   */
  wordingChange: z.enum(WORDING_CHANGES, "choose editorial or requires re-consent").optional(),
  /** What changed, in a sentence people at the consent gate can read. */
  changeSummary: z.string().trim().max(500).optional(),
  /** The version the admin edited: rewording is refused if another version was published since. */
  fromVersion: z.number().int().min(1).optional(),
});
export type UpdatePurposeInput = z.input<typeof updatePurposeSchema>;

export const purposeKeyInputSchema = z.strictObject({ key: purposeKeySchema });
export type PurposeKeyInput = z.input<typeof purposeKeyInputSchema>;

const versionLabel = z
  .string()
  .trim()
  .min(1, "enter a version label, e.g. 2 or 2026-11")
  .max(40)
  .regex(/^[\w.-]+$/, "use letters, digits, dots, hyphens and underscores");

/** Absolute http(s) URL, or a path on the portal such as `/policies/terms/2`. */
const policyUrl = z.union([
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL or a path starting with /" }),
  z.string().regex(/^\/[^\s]*$/, "must be an http(s) URL or a path starting with /"),
]);

const changeSummarySchema = z
  .string()
  .trim()
  .min(10, "say in a sentence or two what changed (at least 10 characters)")
  .max(1000, "keep the summary under 1,000 characters");

export const publishPolicyVersionSchema = z.strictObject({
  kind: policyKindSchema,
  /** A label unique per kind, e.g. "1", "2.1" or "2026-11". */
  version: versionLabel,
  title: z.string().trim().min(1, "enter a title").max(200),
  url: policyUrl,
  text: z.string().min(1, "write the text").max(500_000),
  /** Whether people who agreed to an earlier version must agree again. */
  requiresReconsent: z.boolean().default(false),
  /** What changed, in a few plain sentences: the consent gate shows it before the text. */
  changeSummary: changeSummarySchema.optional(),
});
export type PublishPolicyVersionInput = z.input<typeof publishPolicyVersionSchema>;

/** A draft: the fields of a version, with the URL optional (default: the portal's own page). */
export const policyDraftSchema = z.strictObject({
  /** Absent for a new draft. */
  id: z.uuid().optional(),
  kind: policyKindSchema,
  version: versionLabel,
  title: publishPolicyVersionSchema.shape.title,
  url: policyUrl.optional(),
  /**
   * Line endings normalized to LF: browsers submit a textarea with CRLF, and the published text's
   * SHA-256 must not depend on the browser or OS it was typed in.
   */
  text: z.preprocess(
    (value) => (typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value),
    publishPolicyVersionSchema.shape.text,
  ),
});
export type PolicyDraftInput = z.input<typeof policyDraftSchema>;

export const publishDraftSchema = z.strictObject({
  id: z.uuid(),
  /** The SHA-256 the admin saw in the preview: publishing refuses if the draft changed since. */
  textSha256: z.string().regex(/^[0-9a-f]{64}$/),
  requiresReconsent: z.boolean().default(false),
  changeSummary: publishPolicyVersionSchema.shape.changeSummary,
});
export type PublishDraftInput = z.input<typeof publishDraftSchema>;

export const draftIdSchema = z.strictObject({ id: z.uuid() });
