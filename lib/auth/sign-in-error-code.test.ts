import { describe, expect, it } from "vitest";
import { parseSignInErrorCode, signInErrorCode } from "./sign-in-error-code";

describe("signInErrorCode", () => {
  it("names a flagged account's refusal, and nothing else, account_closed", () => {
    expect(signInErrorCode("Access denied (deleted user)")).toBe("account_closed");
    expect(signInErrorCode("Your account is suspended. Call +1-555-0100")).toBe("failed");
    expect(signInErrorCode(undefined)).toBe("failed");
  });

  it("reads back only known codes from the URL", () => {
    expect(parseSignInErrorCode("account_closed")).toBe("account_closed");
    expect(parseSignInErrorCode("Your account is suspended")).toBe("failed");
    expect(parseSignInErrorCode(["account_closed", "x"])).toBe("failed");
  });
});
