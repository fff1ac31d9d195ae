import { describe, expect, it } from "vitest";
import { parseLegacyDate } from "./schemas";

describe("parseLegacyDate", () => {
  it.each([
    ["01/23/2018", "2018-01-23T00:00:00.000Z"],
    ["1/2/2020", "2020-01-02T00:00:00.000Z"],
    ["2018-01-23", "2018-01-23T00:00:00.000Z"],
    ["2026-11-27T10:15:00.000Z", "2026-11-27T10:15:00.000Z"],
    ["2026-11-27T11:15:00+01:00", "2026-11-27T10:15:00.000Z"],
    ["01/02/0050", "0050-01-02T00:00:00.000Z"],
  ])("reads %s", (value, iso) => {
    expect(parseLegacyDate(value)?.toISOString()).toBe(iso);
  });

  it.each([
    "23/01/2018",
    "02/30/2018",
    "2018-02-30",
    "2018-02-30T10:00:00Z",
    "01/01/0000",
    "0000-01-01",
    "0001-01-01T00:30:00+01:00",
    "yesterday",
    "2018-13-01",
    "2018-01-23T10:00",
    "",
  ])("refuses %s", (value) => {
    expect(parseLegacyDate(value)).toBeNull();
  });
});
