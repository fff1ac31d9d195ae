import { z } from "zod";

export const POLICY_KINDS = ["terms", "privacy"] as const;
export const policyKindSchema = z.enum(POLICY_KINDS);

/** Purpose keys appear in Auth0 metadata (`user_metadata.consent.purposes.<key>`): keep them plain. */
export const purposeKeySchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, "use lower-case letters, digits and hyphens, starting with a letter");

export const createPurposeSchema = z.strictObject({
  key: purposeKeySchema,
  title: z.string().trim().min(1).max(120),
  description: z.string().trim().min(1).max(2000),
  /** Required purposes (e.g. the Terms) must be granted to use the service. */
  required: z.boolean().default(false),
  /** The document that governs this purpose: its current version is recorded with each decision. */
  policyKind: policyKindSchema,
  position: z.number().int().min(0).max(10_000).default(0),
});
export type CreatePurposeInput = z.input<typeof createPurposeSchema>;

/** The key and the governing document never change: past decisions refer to them. */
export const updatePurposeSchema = z.strictObject({
  key: purposeKeySchema,
  title: z.string().trim().min(1).max(120).optional(),
  description: z.string().trim().min(1).max(2000).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type UpdatePurposeInput = z.input<typeof updatePurposeSchema>;

export const publishPolicyVersionSchema = z.strictObject({
  kind: policyKindSchema,
  /** A label unique per kind, e.g. "1", "2.1" or "2026-11". */
  version: z.string().trim().min(1).max(40),
  title: z.string().trim().min(1).max(200),
  /** Absolute http(s) URL, or a path on the portal such as `/policies/terms/2`. */
  url: z.union([
    z.url({ protocol: /^https?$/ }),
    z.string().regex(/^\/[^\s]*$/, "must be a URL or a path starting with /"),
  ]),
  text: z.string().min(1).max(500_000),
  /** Whether people who agreed to an earlier version must agree again. */
  requiresReconsent: z.boolean().default(false),
  /** Who published it (the admin's Auth0 user id). */
  publishedBy: z.string().min(1).max(200).optional(),
});
export type PublishPolicyVersionInput = z.input<typeof publishPolicyVersionSchema>;
