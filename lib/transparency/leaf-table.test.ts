import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leafHash } from "@/lib/tlog/merkle";
import { hashLeafData, LeafTable, type LeafKindName } from "./leaf-table";

const kinds: LeafKindName[] = ["consent_event", "access_log", "admin_change"];

describe("hashLeafData", () => {
  it("is the RFC 9162 leaf hash of the data's UTF-8, for any text (the reused buffer grows)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 3000 }), (data) => {
        const expected = Buffer.from(leafHash(new TextEncoder().encode(data)));
        expect(Buffer.from(hashLeafData(data), "latin1").equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("LeafTable", () => {
  it("matches every row with its own leaf across growth, and finds the leaves no row matched", () => {
    const table = new LeafTable(16);
    const leaves = Array.from({ length: 5_000 }, (_, index) => ({
      rowId: randomUUID(),
      kind: kinds[index % 3]!,
      data: `leaf ${index}`,
    }));
    leaves.forEach((leaf, index) =>
      expect(table.add(leaf.rowId, leaf.kind, index, hashLeafData(leaf.data))).toBe(true),
    );
    expect(table.size).toBe(5_000);
    // Every leaf but those at 10 and 4,321 has its row; the row of 20 was edited.
    leaves.forEach((leaf, index) => {
      if (index === 10 || index === 4_321) return;
      const data = index === 20 ? "edited" : leaf.data;
      expect(table.match(leaf.rowId, leaf.kind, hashLeafData(data))).toBe(index === 20 ? "differs" : "matched");
    });
    expect(table.unmatchedIndexes()).toEqual([10, 4_321]);
  });

  it("answers absent for a row it has no leaf for, or whose id has a leaf of another kind", () => {
    const table = new LeafTable();
    const rowId = randomUUID();
    table.add(rowId, "consent_event", 0, hashLeafData("event"));
    expect(table.match(randomUUID(), "consent_event", hashLeafData("event"))).toBe("absent");
    expect(table.match(rowId, "access_log", hashLeafData("event"))).toBe("absent");
    expect(table.match("not a uuid", "consent_event", hashLeafData("event"))).toBe("absent");
    expect(table.unmatchedIndexes()).toEqual([0]);
  });

  it("refuses a second leaf for one row id, as the log's unique key does", () => {
    const table = new LeafTable();
    const rowId = randomUUID();
    expect(table.add(rowId, "consent_event", 0, hashLeafData("a"))).toBe(true);
    expect(table.add(rowId.toUpperCase(), "access_log", 1, hashLeafData("b"))).toBe(false);
    expect(table.size).toBe(1);
  });
});
