import { describe, expect, it } from "vitest";
import { generateStaffToken, hashStaffToken, isStaffTokenFormat, staffTokenHint } from "./token-format";

describe("staff token format", () => {
  it("generates distinct, well-formed tokens", () => {
    const [a, b] = [generateStaffToken(), generateStaffToken()];
    expect(a).not.toBe(b);
    expect(isStaffTokenFormat(a)).toBe(true);
    expect(a).toHaveLength(48);
  });

  it("refuses other bearer values, such as a Management API JWT", () => {
    expect(isStaffTokenFormat("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig")).toBe(false);
    expect(isStaffTokenFormat("cpst_short")).toBe(false);
  });

  it("stores a hash and shows only a hint", () => {
    const token = generateStaffToken();
    expect(hashStaffToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(staffTokenHint(token)).toBe(`${token.slice(0, 9)}…`);
  });
});
