import { describe, expect, it } from "vitest";
import { planConsentChange, type PurposeNow } from "./plan-consent-change";

const purposes: PurposeNow[] = [
  { key: "terms", required: true, policyKind: "terms", granted: true },
  { key: "analytics", required: false, policyKind: "privacy", granted: false },
  { key: "marketing-email", required: false, policyKind: "privacy", granted: true },
];
const current = { terms: "2", privacy: "1" };

describe("planConsentChange", () => {
  it("records only changes: grants what is not granted, withdraws what is", () => {
    expect(
      planConsentChange({ purposes: { terms: true, analytics: true, "marketing-email": false } }, purposes, current),
    ).toEqual({ grant: ["analytics"], withdraw: ["marketing-email"] });
  });

  it("reads the seed's legacy `given` as the required purposes", () => {
    expect(
      planConsentChange({ given: false, date: "01/23/2018", text_details: "some-url" }, purposes, current),
    ).toEqual({ grant: [], withdraw: ["terms"] });
    expect(planConsentChange({ given: true }, purposes, current)).toEqual({ grant: [], withdraw: [] });
  });

  it("refuses unknown purposes and contradictions, naming the field", () => {
    expect(() => planConsentChange({ purposes: { astrology: true } }, purposes, current)).toThrow(
      expect.objectContaining({ code: "validation_failed", field: "user_metadata.consent.purposes.astrology" }),
    );
    expect(() => planConsentChange({ given: true, purposes: { terms: false } }, purposes, current)).toThrow(
      expect.objectContaining({ field: "user_metadata.consent.given" }),
    );
  });

  it("refuses a grant under a version that is not the current one", () => {
    expect(() => planConsentChange({ purposes: { analytics: true }, version: "2" }, purposes, current)).toThrow(
      expect.objectContaining({ code: "policy_outdated", field: "user_metadata.consent.version" }),
    );
    expect(planConsentChange({ purposes: { analytics: true }, version: "1" }, purposes, current)).toEqual({
      grant: ["analytics"],
      withdraw: [],
    });
    // A version naming nothing being granted is not checked (nothing is recorded under it).
    expect(planConsentChange({ given: true, version: "0" }, purposes, current)).toEqual({ grant: [], withdraw: [] });
  });
});
