import { describe, expect, it } from "vitest";
import type { ConsentState, Purpose } from "@/lib/generated/prisma/client";
import { buildAuth0ConsentMetadata } from "./auth0-consent-metadata";

const purpose = (id: string, key: string, required = false): Purpose => ({
  id,
  key,
  title: key,
  description: key,
  required,
  policyKind: required ? "terms" : "privacy",
  position: 0,
  requiresVerifiedEmail: key === "marketing-email",
  retiredAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const state = (
  purposeId: string,
  status: "granted" | "withdrawn" | "pending",
  seq: number,
  policyVersionId: string,
): ConsentState => ({
  subjectId: "s",
  purposeId,
  status,
  policyVersionId,
  purposeVersionId: null,
  eventId: `e${seq}`,
  seq,
  updatedAt: new Date(Date.UTC(2026, 10, 23, 10, seq)),
});

const purposes = [purpose("p1", "terms", true), purpose("p2", "analytics"), purpose("p3", "marketing-email")];
const versions = [
  { id: "t1", version: "1", url: "/policies/terms/1" },
  { id: "pp1", version: "1", url: "https://example.com/privacy/1" },
];
const resolveUrl = (url: string) => new URL(url, "https://portal.example").toString();

describe("buildAuth0ConsentMetadata", () => {
  it("builds the seed's shape plus version and purposes, omitting purposes never decided", () => {
    const metadata = buildAuth0ConsentMetadata({
      purposes,
      states: [state("p1", "granted", 1, "t1"), state("p2", "withdrawn", 3, "pp1")],
      versions,
      resolveUrl,
    });
    expect(metadata).toEqual({
      given: true,
      date: "2026-11-23T10:03:00.000Z",
      text_details: "https://portal.example/policies/terms/1",
      version: "1",
      purposes: { terms: true, analytics: false },
    });
  });

  it("mirrors a purpose waiting for the address's confirmation as not given (ADR 040)", () => {
    const metadata = buildAuth0ConsentMetadata({
      purposes,
      states: [state("p1", "granted", 1, "t1"), state("p3", "pending", 2, "pp1")],
      versions,
      resolveUrl,
    });
    expect(metadata.purposes).toEqual({ terms: true, "marketing-email": false });
    expect(metadata.given).toBe(true);
  });

  it("says not given once a required purpose is withdrawn", () => {
    const metadata = buildAuth0ConsentMetadata({
      purposes,
      states: [state("p1", "withdrawn", 2, "t1")],
      versions,
      resolveUrl,
    });
    expect(metadata).toMatchObject({ given: false, version: "1", purposes: { terms: false } });
  });

  it("is well-formed with no decisions at all", () => {
    expect(buildAuth0ConsentMetadata({ purposes, states: [], versions, resolveUrl })).toEqual({
      given: false,
      date: "",
      text_details: "",
      version: "",
      purposes: {},
    });
  });
});
