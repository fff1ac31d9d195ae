import { z } from "zod";

// Dates that people and clients send. JavaScript's Date has a year 0 (1 BC) and years past 9999;
// PostgreSQL's timestamptz has no year 0, and the ledger's canonical JSON writes an instant with
// `toISOString`, whose four-digit form covers years 1 to 9999. So every date the portal compares
// in SQL or stores lies in those years, and anything outside them is the sender's mistake (a 4xx),
// never a database error (a 500).

const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/** Whether the instant is one PostgreSQL stores and `toISOString` writes with four digits. */
export function isStorableInstant(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST && time <= LATEST;
}

/** A calendar day (`YYYY-MM-DD`, as `<input type="date">` sends it) that exists (no 30 February, no year 0). */
export const calendarDaySchema = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-11-23")
  .refine((day) => {
    const start = new Date(`${day}T00:00:00.000Z`);
    // Date.parse rolls 2026-02-30 over to 2 March; a real day reads back as itself.
    return isStorableInstant(start) && start.toISOString().slice(0, 10) === day;
  }, "Not a real date");

/** An ISO 8601 date-time with an offset, in years 1 to 9999 once read as UTC. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .refine((text) => isStorableInstant(new Date(text)), "Use a date between the years 0001 and 9999");

/** The first instant of a calendar day (UTC). */
export const startOfDay = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The last millisecond of a calendar day (UTC): an inclusive upper bound that stays in year 9999. */
export const endOfDay = (day: string) => new Date(startOfDay(day).getTime() + 86_400_000 - 1);
