import { z } from "zod";
import { calendarDaySchema, endOfDay, instantSchema, startOfDay } from "@/lib/dates";
import { purposeKeySchema } from "@/lib/policies/schemas";

/** The two ledger exports: current state (one row per person and purpose) and every event. */
const LEDGER_DATASETS = ["consent_state", "consent_events"] as const;
export type LedgerDataset = (typeof LEDGER_DATASETS)[number];

const EXPORT_FORMATS = ["csv", "json", "ndjson"] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/** Filter values a form or a query string may leave empty. */
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blankToUndefined, schema.optional());

/** A date (`2026-11-23`) or a date-time; a bare `to` date includes that whole day. */
const dateBound = z.union([calendarDaySchema, instantSchema], "use a date such as 2026-11-23");

export const exportRequestSchema = z
  .object({
    dataset: z.enum(LEDGER_DATASETS),
    format: z.enum(EXPORT_FORMATS),
    /** A purpose key. */
    purpose: optional(purposeKeySchema),
    /**
     * Current state: `granted` or `withdrawn`. Events: the action (`granted`, `withdrawn`,
     * `erased`).
     */
    state: optional(z.enum(["granted", "withdrawn", "erased"])),
    /** A policy version id. */
    version: optional(z.uuid("choose a policy version")),
    /** Decision time (state: last change; events: server time), inclusive. */
    from: optional(dateBound),
    to: optional(dateBound),
  })
  .refine((value) => !(value.dataset === "consent_state" && value.state === "erased"), {
    message: "current state is granted or withdrawn; `erased` filters events",
    path: ["state"],
  })
  .refine((value) => !value.from || !value.to || toBound(value.from, "from") <= toBound(value.to, "to"), {
    message: "the end of the range is before its start",
    path: ["to"],
  });
export type ExportRequest = z.output<typeof exportRequestSchema>;
export type ExportRequestInput = z.input<typeof exportRequestSchema>;

/** The filters of a request (what the access log and the job record). */
export function exportFilters(request: ExportRequest): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const key of ["purpose", "state", "version", "from", "to"] as const) {
    const value = request[key];
    if (value) filters[key] = value;
  }
  return filters;
}

/** A date bound as an instant: `from` a date is its start (UTC), `to` a date is the end of that day. */
export function toBound(value: string, side: "from" | "to"): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return side === "from" ? startOfDay(value) : endOfDay(value);
  return new Date(value);
}

/** The request as a query string for the download route (empty filters left out). */
export function exportQueryString(request: ExportRequest): string {
  const params = new URLSearchParams({ dataset: request.dataset, format: request.format, ...exportFilters(request) });
  return params.toString();
}

/** Auth0 users-export formats: Auth0's `json` is newline-delimited JSON. */
export const auth0ExportRequestSchema = z.object({
  format: z.enum(["csv", "ndjson"]),
});
export type Auth0ExportRequest = z.output<typeof auth0ExportRequestSchema>;
