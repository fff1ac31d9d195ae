import { describe, expect, it } from "vitest";
import { decodeSearchCursor, encodeSearchCursor } from "./search-cursor";

describe("search cursor", () => {
  it("round-trips the keyset position with millisecond precision", () => {
    const cursor = {
      updatedAt: new Date("2026-11-23T10:11:12.345Z"),
      subjectId: "0b6f3f0e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
      purposeId: "1c7a4b2e-3d4f-4a5b-9c6d-7e8f9a0b1c2d",
    };
    const token = encodeSearchCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSearchCursor(token)).toEqual(cursor);
  });

  it("refuses anything it did not make", () => {
    expect(decodeSearchCursor("nope")).toBeNull();
    expect(decodeSearchCursor(Buffer.from('["x","y","z"]').toString("base64url"))).toBeNull();
    expect(decodeSearchCursor(Buffer.from("{}").toString("base64url"))).toBeNull();
  });
});
