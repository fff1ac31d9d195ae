import { describe, expect, it } from "vitest";
import type { Auth0ConsentMetadata } from "@/lib/consent/auth0-consent-metadata";
import { compareConsentMetadata } from "./compare-consent-metadata";

const ledger: Auth0ConsentMetadata = {
  given: true,
  date: "2026-11-23T10:00:00.000Z",
  text_details: "http://localhost:3000/policies/terms/1",
  version: "1",
  purposes: { terms: true, analytics: false },
};

describe("compareConsentMetadata", () => {
  it("finds nothing to report when Auth0 holds the ledger's projection", () => {
    const result = compareConsentMetadata(ledger, structuredClone(ledger));
    expect(result).toMatchObject({ differences: 0, auth0Shape: "projection" });
    expect(result.rows.map((row) => row.field)).toEqual([
      "given",
      "date",
      "text_details",
      "version",
      "purposes.analytics",
      "purposes.terms",
    ]);
  });

  it("calls out each field that differs, including purposes only one side has", () => {
    const result = compareConsentMetadata(ledger, {
      ...ledger,
      purposes: { terms: true, analytics: true, "marketing-email": true },
    });
    expect(result.differences).toBe(2);
    expect(result.rows.filter((row) => !row.same)).toEqual([
      { field: "purposes.analytics", ledger: "false", auth0: "true", same: false },
      { field: "purposes.marketing-email", ledger: "—", auth0: "true", same: false },
    ]);
  });

  it("recognises the seed's legacy shape and shows its extra keys", () => {
    const result = compareConsentMetadata(ledger, { given: true, date: "01/23/2018", text_details: "some-url" });
    expect(result.auth0Shape).toBe("legacy");
    expect(result.rows.find((row) => row.field === "date")).toMatchObject({ auth0: "01/23/2018", same: false });
    expect(result.rows.find((row) => row.field === "given")).toMatchObject({ same: true });
  });

  it("expects no consent in Auth0 for a person with no decisions, and flags one that appears", () => {
    const empty: Auth0ConsentMetadata = { given: false, date: "", text_details: "", version: "", purposes: {} };
    expect(compareConsentMetadata(empty, undefined)).toEqual({ rows: [], differences: 0, auth0Shape: "missing" });
    const stray = compareConsentMetadata(empty, { given: true, note: "x" });
    expect(stray.differences).toBe(2);
    expect(stray.rows.map((row) => row.field)).toContain("note");
  });

  it("flags consent missing from Auth0", () => {
    const result = compareConsentMetadata(ledger, null);
    expect(result.auth0Shape).toBe("missing");
    expect(result.differences).toBe(result.rows.length);
  });

  it("flags sign-up's flat keys left beside the object: the ledger expects them gone", () => {
    const result = compareConsentMetadata(ledger, structuredClone(ledger), {
      flatKeys: { consentGiven: "true", consentVersion: "1" },
    });
    expect(result.differences).toBe(2);
    expect(result.rows.filter((row) => !row.same)).toEqual([
      { field: "user_metadata.consentGiven", ledger: "—", auth0: "true", same: false },
      { field: "user_metadata.consentVersion", ledger: "—", auth0: "1", same: false },
    ]);
  });

  it("compares app_metadata.deleted when either side says the account is closed", () => {
    const unflagged = compareConsentMetadata(ledger, structuredClone(ledger), { closed: true, flaggedDeleted: false });
    expect(unflagged.rows.find((row) => row.field === "app_metadata.deleted")).toEqual({
      field: "app_metadata.deleted",
      ledger: "true",
      auth0: "—",
      same: false,
    });
    const flagged = compareConsentMetadata(ledger, structuredClone(ledger), { closed: true, flaggedDeleted: true });
    expect(flagged.differences).toBe(0);
    const open = compareConsentMetadata(ledger, structuredClone(ledger), { closed: false, flaggedDeleted: false });
    expect(open.rows.map((row) => row.field)).not.toContain("app_metadata.deleted");
  });
});
