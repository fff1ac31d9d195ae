import { describe, expect, it } from "vitest";
import { buildCountQuery, buildExportQuery } from "./export-query";
import { exportQueryString, exportRequestSchema, toBound } from "./schemas";

describe("export requests", () => {
  it("treats empty form fields as no filter", () => {
    const request = exportRequestSchema.parse({
      dataset: "consent_events",
      format: "csv",
      purpose: "",
      state: "",
      version: "",
      from: "",
      to: "",
    });
    expect(exportQueryString(request)).toBe("dataset=consent_events&format=csv");
    expect(buildExportQuery(request)).toMatchObject({ values: [] });
    expect(buildExportQuery(request).text).not.toContain("WHERE");
  });

  it("makes a bare end date include its whole day (UTC)", () => {
    expect(toBound("2026-11-23", "from").toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(toBound("2026-11-23", "to").toISOString()).toBe("2026-11-23T23:59:59.999Z");
    expect(toBound("2026-11-23T10:00:00+01:00", "to").toISOString()).toBe("2026-11-23T09:00:00.000Z");
  });

  it("passes every filter as a parameter, never as SQL text", () => {
    const request = exportRequestSchema.parse({
      dataset: "consent_state",
      format: "json",
      purpose: "analytics",
      state: "granted",
      version: "6f1c1f5e-3c1b-4d8a-9a57-2f7a3e1b8c90",
      from: "2026-01-01",
      to: "2026-01-31",
    });
    const query = buildCountQuery(request);
    expect(query.values).toEqual([
      "analytics",
      "granted",
      "6f1c1f5e-3c1b-4d8a-9a57-2f7a3e1b8c90",
      new Date("2026-01-01T00:00:00.000Z"),
      new Date("2026-01-31T23:59:59.999Z"),
    ]);
    expect(query.text).not.toContain("analytics");
    expect(query.text).toContain("$5");
  });

  it("refuses a purpose key that is not one, and `erased` for the current state", () => {
    const bad = exportRequestSchema.safeParse({ dataset: "consent_state", format: "csv", purpose: "'; DROP" });
    expect(bad.error?.issues[0]?.path).toEqual(["purpose"]);
    const erased = exportRequestSchema.safeParse({ dataset: "consent_state", format: "csv", state: "erased" });
    expect(erased.error?.issues[0]?.path).toEqual(["state"]);
  });
});
