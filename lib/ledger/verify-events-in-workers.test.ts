import { describe, expect, it } from "vitest";
import { subjectRanges } from "./verify-events-in-workers";

describe("subjectRanges", () => {
  it.each([1, 2, 3, 7, 64])("splits the subject ids into %i contiguous ranges of about equal width", (count) => {
    const ranges = subjectRanges(count, 500);
    expect(ranges).toHaveLength(count);
    expect(ranges[0]!.from).toBe("00000000-0000-0000-0000-000000000000");
    expect(ranges.at(-1)!.to).toBeNull();
    for (let index = 1; index < count; index += 1) expect(ranges[index]!.from).toBe(ranges[index - 1]!.to);
    const starts = ranges.map((range) => parseInt(range.from.slice(0, 8), 16));
    for (let index = 1; index < count; index += 1) {
      expect(Math.abs(starts[index]! - starts[index - 1]! - 0x1_0000_0000 / count)).toBeLessThanOrEqual(1);
    }
    expect(ranges.every((range) => range.batchSize === 500)).toBe(true);
  });
});
