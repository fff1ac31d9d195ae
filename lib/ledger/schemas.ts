import { z } from "zod";
import { isStorableInstant } from "@/lib/dates";

/** What staff did. Extend the list when a new kind of access is logged. */
export const ACCESS_ACTIONS = [
  "subject.view",
  "subject.search",
  "subject.export",
  "ledger.verify",
  "ledger.export",
  "access_log.view",
  "report.export",
  "mgmt.read",
  "mgmt.write",
  // The consent API (ADR 033): every call of an API client.
  "api.consent.read",
  "api.consent.list",
  "api.consent.write",
  "api.events.read",
  "api.catalog.read",
  "api.webhooks.read",
  "api.webhooks.write",
  "api.consent.import",
] as const;

/** What was accessed; who did it is the Actor passed beside it. */
export const accessLogEntrySchema = z.strictObject({
  action: z.enum(ACCESS_ACTIONS),
  subjectId: z.uuid().nullish(),
  /**
   * Filters, formats, counts… Never plaintext personal data: a search by email is logged with
   * the email's blind index (`computeEmailBlindIndex`), not the address.
   */
  detail: z.record(z.string(), z.unknown()).nullish(),
});
export type AccessLogEntry = z.input<typeof accessLogEntrySchema>;

/** A date the database can compare with (years 1 to 9999); callers parse text first (`lib/dates.ts`). */
const storableDate = z.date().refine(isStorableInstant, "Use a date between the years 0001 and 9999");

export const accessLogQuerySchema = z.strictObject({
  actorId: z.string().min(1).optional(),
  /** Any of these actors (a staff email can name more than one id); takes precedence over `actorId`. */
  actorIds: z.array(z.string().min(1)).max(100).optional(),
  subjectId: z.uuid().optional(),
  action: z.enum(ACCESS_ACTIONS).optional(),
  from: storableDate.optional(),
  to: storableDate.optional(),
  /** Keyset cursor: the `id` of the last entry of the previous page. */
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type AccessLogQuery = z.input<typeof accessLogQuerySchema>;
