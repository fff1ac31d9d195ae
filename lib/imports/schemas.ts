import { z } from "zod";
import { calendarDaySchema, isStorableInstant } from "@/lib/dates";

/**
 * `user_metadata.consent` as Auth0's GDPR guide writes it (`given`, `date` as MM/DD/YYYY,
 * `text_details`), or as this portal syncs it (ISO date, `version`, per-purpose answers).
 */
export const legacyConsentSchema = z.object({
  given: z.boolean("`given` must be true or false"),
  date: z.string("`date` is missing").trim().min(1, "`date` is missing").max(40),
  text_details: z.string().trim().max(2_000).optional(),
  version: z.string().trim().max(100).optional(),
  purposes: z.record(z.string().max(64), z.boolean("each purpose must be true or false")).optional(),
});
export type LegacyConsent = z.output<typeof legacyConsentSchema>;

/**
 * One line of an Auth0 users export (NDJSON): the whole profile (`user_metadata.consent`,
 * `app_metadata.deleted`) or the fields the portal's export job asks for (`consent`, `deleted`).
 */
export const auth0ExportLineSchema = z.object({
  user_id: z.string("`user_id` is missing").trim().min(1, "`user_id` is missing").max(200),
  email: z.string().trim().max(320).optional(),
  name: z.string().trim().max(200).nullish(),
  user_metadata: z.object({ consent: z.unknown().optional() }).nullish(),
  app_metadata: z.object({ deleted: z.unknown().optional() }).nullish(),
  consent: z.unknown().optional(),
  deleted: z.unknown().optional(),
});

/** Parses a legacy date: MM/DD/YYYY (the seed's form, read as UTC midnight) or ISO 8601. */
export function parseLegacyDate(value: string): Date | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (us) {
    const [month, day, year] = [Number(us[1]), Number(us[2]), Number(us[3])];
    // setUTCFullYear, not Date.UTC, which reads years 0 to 99 as 1900 to 1999.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && isStorableInstant(date) ? date : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value)) return null;
  // The day must exist: Date would roll 2018-02-30 over to 2 March.
  if (!calendarDaySchema.safeParse(value.slice(0, 10)).success) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return isStorableInstant(date) ? date : null;
}
