import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffWords, type DiffPart } from "./word-diff";

const side = (parts: DiffPart[], kind: "added" | "removed") =>
  parts
    .filter((part) => part.kind !== kind)
    .map((part) => part.text)
    .join("");

describe("diffWords", () => {
  it("marks a clause added at the end, and a word replaced in the middle", () => {
    expect(diffWords("We may email you.", "We may email or call you.")).toEqual([
      { kind: "same", text: "We may email " },
      { kind: "added", text: "or call " },
      { kind: "same", text: "you." },
    ]);
    expect(diffWords("Kept for 13 months.", "Kept for 24 months.")).toEqual([
      { kind: "same", text: "Kept for " },
      { kind: "removed", text: "13" },
      { kind: "added", text: "24" },
      { kind: "same", text: " months." },
    ]);
  });

  it("gives back both texts exactly, whatever they are", () => {
    const words = fc.array(fc.constantFrom("we", "may", "you", "data", "\n", " ", "\n\n", "call."), { maxLength: 40 });
    fc.assert(
      fc.property(words, words, (before, after) => {
        const parts = diffWords(before.join(""), after.join(""));
        expect(side(parts, "added")).toBe(before.join(""));
        expect(side(parts, "removed")).toBe(after.join(""));
        // Neighbouring parts never have the same kind.
        expect(parts.every((part, index) => index === 0 || parts[index - 1]!.kind !== part.kind)).toBe(true);
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it("shows a text rewritten from top to bottom as removed, then added, without a huge table", () => {
    const before = Array.from({ length: 3000 }, (_, index) => `old${index}`).join(" ");
    const after = Array.from({ length: 3000 }, (_, index) => `new${index}`).join(" ");
    expect(diffWords(before, after)).toEqual([
      { kind: "removed", text: before },
      { kind: "added", text: after },
    ]);
  });
});
