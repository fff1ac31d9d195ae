import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calendarDaySchema, endOfDay, instantSchema, isStorableInstant, startOfDay } from "./dates";

describe("calendarDaySchema", () => {
  it.each(["2026-11-23", "2024-02-29", "0001-01-01", "9999-12-31", " 2026-11-23 "])("accepts %s", (day) => {
    expect(calendarDaySchema.safeParse(day).success).toBe(true);
  });

  // Year 0000 reached PostgreSQL as a 500 from the compliance search (CI, stop 25).
  it.each([
    ["0000-01-01", "Not a real date"],
    ["2026-02-30", "Not a real date"],
    ["2026-02-29", "Not a real date"],
    ["2026-13-01", "Not a real date"],
    ["2026-1-1", "Use a date like 2026-11-23"],
    ["-000001-01-01", "Use a date like 2026-11-23"],
  ])("refuses %s: %s", (day, reason) => {
    const result = calendarDaySchema.safeParse(day);
    expect(result.error?.issues[0]?.message).toBe(reason);
  });

  it("bounds a day by its first and last millisecond, both storable", () => {
    expect(startOfDay("0001-01-01").toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(endOfDay("9999-12-31").toISOString()).toBe("9999-12-31T23:59:59.999Z");
    expect(isStorableInstant(endOfDay("9999-12-31"))).toBe(true);
  });
});

describe("instantSchema", () => {
  it.each(["2026-11-27T10:00:00Z", "2026-11-27T11:00:00.123+01:00", "9999-12-31T23:59:59.999Z"])(
    "accepts %s",
    (text) => {
      expect(instantSchema.safeParse(text).success).toBe(true);
    },
  );

  it.each(["0000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:00:00-02:00", "2026-02-30T00:00:00Z"])(
    "refuses %s",
    (text) => {
      expect(instantSchema.safeParse(text).success).toBe(false);
    },
  );

  it("accepts exactly the instants of years 1 to 9999", () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        const year = date.getUTCFullYear();
        expect(instantSchema.safeParse(date.toISOString()).success).toBe(year >= 1 && year <= 9999);
      }),
    );
  });
});
