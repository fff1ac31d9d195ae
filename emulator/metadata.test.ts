// Auth0's metadata rules as pure functions (the HTTP contract tests cover them end to end).
import { describe, expect, it } from "vitest";
import { ManagementApiError } from "./errors.js";
import { assertMetadataKeys, assertMetadataSize, mergeClientMetadata, mergeMetadata } from "./metadata.js";

describe("mergeMetadata", () => {
  it("merges at the root, replaces nested objects whole, deletes null keys, clears on {}", () => {
    const current: Record<string, unknown> = { hobby: "surfing", addresses: { home: "h" }, color: "blue" };
    expect(mergeMetadata(current, { addresses: { work: "w" } })).toEqual({
      hobby: "surfing",
      addresses: { work: "w" },
      color: "blue",
    });
    expect(mergeMetadata(current, { color: null })).toEqual({ hobby: "surfing", addresses: { home: "h" } });
    expect(mergeMetadata(current, { missing: null })).toEqual(current);
    expect(mergeMetadata(current, {})).toEqual({});
    expect(current).toEqual({ hobby: "surfing", addresses: { home: "h" }, color: "blue" });
  });

  it("keeps nulls below the root: only root keys are deleted by null", () => {
    expect(mergeMetadata({}, { consent: { given: null } })).toEqual({ consent: { given: null } });
  });
});

describe("metadata field names and size", () => {
  it("finds '.' and '$' in names at any depth, including inside arrays, but not in values", () => {
    expect(() => assertMetadataKeys({ a: [{ b: { "c.d": 1 } }] })).toThrow(ManagementApiError);
    expect(() => assertMetadataKeys({ a: { $b: 1 } })).toThrow(/Fields with "\$"/);
    expect(() => assertMetadataKeys({ a: "c.d", b: ["$x"] })).not.toThrow();
  });

  it("counts user_metadata and app_metadata together", () => {
    expect(() => assertMetadataSize({ a: "x".repeat(45) }, { b: "y".repeat(45) }, 100)).toThrow(
      /the limit is 100 bytes/,
    );
    expect(() => assertMetadataSize({ a: "x" }, {}, 100)).not.toThrow();
  });
});

describe("mergeClientMetadata", () => {
  it("applies the same merge rules to string values", () => {
    expect(mergeClientMetadata({ mycolor: "red", myflavor: "grape" }, { mycolor: "blue" })).toEqual({
      mycolor: "blue",
      myflavor: "grape",
    });
    expect(mergeClientMetadata({ mycolor: "red" }, { mycolor: null })).toEqual({});
    expect(mergeClientMetadata({ mycolor: "red" }, {})).toEqual({});
  });

  it("rejects non-string values, long values, bad names and more than 10 keys after the merge", () => {
    expect(() => mergeClientMetadata({}, { n: 1 })).toThrow(/Expected type string/);
    expect(() => mergeClientMetadata({}, { s: "x".repeat(256) })).toThrow(/maximum 255/);
    expect(() => mergeClientMetadata({}, { "bad{name}": "x" })).toThrow(/Invalid client_metadata property name/);
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`k${index}`, "v"]));
    expect(Object.keys(mergeClientMetadata(nine, { k9: "v" }))).toHaveLength(10);
    expect(() => mergeClientMetadata(nine, { k9: "v", k10: "v" })).toThrow(/Too many properties defined \(11\)/);
  });
});
