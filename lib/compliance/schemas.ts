import { z } from "zod";
import { calendarDaySchema } from "@/lib/dates";
import { ACCESS_ACTIONS } from "@/lib/ledger/schemas";
import { purposeKeySchema } from "@/lib/policies/schemas";

/** A GET form sends every field, filled or not: an empty one means "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema.optional());

const CONSENT_STATES = ["granted", "withdrawn"] as const;

/**
 * The compliance search (`/compliance?…`). Identify a person (exact email, Auth0 user id or
 * subject id) and/or filter current consent by purpose, state, policy version and the day the
 * current decision was made. At least one criterion is needed: there is no "list everyone".
 */
export const subjectSearchSchema = z
  .object({
    email: optional(z.email("Enter a whole email address, like name@example.com").max(320)),
    auth0UserId: optional(
      z
        .string()
        .trim()
        .max(200)
        .regex(/^[^|\s]+\|\S+$/, "An Auth0 user id looks like auth0|64f0…"),
    ),
    subjectId: optional(z.uuid("A subject id is a UUID, like 0b6f…-…")),
    purpose: optional(purposeKeySchema),
    status: optional(z.enum(CONSENT_STATES, { error: "Choose given or withdrawn" })),
    policyVersionId: optional(z.uuid("Choose a policy version from the list")),
    from: optional(calendarDaySchema),
    to: optional(calendarDaySchema),
    /** Opaque keyset cursor from the previous page. */
    cursor: optional(z.string().max(300)),
    limit: optional(z.coerce.number().int().min(1).max(100)),
  })
  .refine(
    (query) =>
      Boolean(
        query.email ||
        query.auth0UserId ||
        query.subjectId ||
        query.purpose ||
        query.status ||
        query.policyVersionId ||
        query.from ||
        query.to,
      ),
    { message: "Enter an email, an Auth0 user id or a subject id, or choose a filter", path: ["email"] },
  )
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: "The end date is before the start date",
    path: ["to"],
  });
export type SubjectSearchInput = z.input<typeof subjectSearchSchema>;
export type SubjectSearchQuery = z.output<typeof subjectSearchSchema>;

/** The access-log page's filters (`/compliance/access-log?…`). */
export const accessLogFilterSchema = z
  .object({
    actorId: optional(z.string().trim().min(1).max(200)),
    subjectId: optional(z.uuid("A subject id is a UUID")),
    action: optional(z.enum(ACCESS_ACTIONS, { error: "Choose an action from the list" })),
    from: optional(calendarDaySchema),
    to: optional(calendarDaySchema),
    cursor: optional(z.uuid()),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: "The end date is before the start date",
    path: ["to"],
  });
export type AccessLogFilter = z.output<typeof accessLogFilterSchema>;

/** Staff recording a decision received on paper, by phone or by email (GDPR Art. 7(1) proof). */
export const recordOnBehalfFormSchema = z
  .object({
    subjectId: z.uuid(),
    purpose: purposeKeySchema,
    decision: z.enum(["grant", "withdraw"], { error: "Choose whether consent was given or withdrawn" }),
    channel: z.enum(["paper", "phone", "email", "in-person"], { error: "Say how the decision reached you" }),
    reason: z
      .string({ error: "Give the reason and the reference of the request" })
      .trim()
      .min(10, "Give the reason and a reference (at least 10 characters)")
      .max(1000, "Keep the reason under 1,000 characters"),
    /** Withdrawing a required purpose closes the person's account: it must be confirmed. */
    confirmRequired: z.literal("yes").optional(),
    /** The policy versions the form showed (a grant is recorded under them, if still current). */
    policyVersionIds: z.preprocess(
      (value): unknown[] => (value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value]),
      z.array(z.uuid()),
    ),
    idempotencyKey: z.uuid(),
  })
  .strip();
export type RecordOnBehalfInput = z.output<typeof recordOnBehalfFormSchema>;

const STAFF_TOKEN_MAX_DAYS = 90;

/** Creating a staff API token for the Management API proxy. */
export const createStaffApiTokenFormSchema = z.object({
  label: z
    .string({ error: "Name the token (what will use it)" })
    .trim()
    .min(3, "Name the token (at least 3 characters)")
    .max(80, "Keep the name under 80 characters"),
  role: z.enum(["compliance", "admin"], { error: "Choose what the token may do" }),
  expiresInDays: z.coerce
    .number({ error: "Choose how long the token lives" })
    .int()
    .min(1, "At least 1 day")
    .max(STAFF_TOKEN_MAX_DAYS, `At most ${STAFF_TOKEN_MAX_DAYS} days`),
});
export type CreateStaffApiTokenInput = z.output<typeof createStaffApiTokenFormSchema>;

export const revokeStaffApiTokenFormSchema = z.object({ tokenId: z.uuid() });
