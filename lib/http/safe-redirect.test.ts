import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

const base = "http://localhost:3000";
const home = (value: unknown) => safeRedirectPath(value, base);

describe("safeRedirectPath", () => {
  it("keeps a path on the portal with its query and fragment", () => {
    expect(home("/me/consents")).toBe("/me/consents");
    expect(home("/compliance?email=a%40b.test&page=2#results")).toBe("/compliance?email=a%40b.test&page=2#results");
    expect(home("/admin/policies/drafts/4f7c")).toBe("/admin/policies/drafts/4f7c");
    expect(home("http://localhost:3000/me/history")).toBe("/me/history");
  });

  it.each([
    ["/\\host", "backslash: browsers read it as //host"],
    ["/\\\\host", "two backslashes"],
    ["\\/host", "backslash then slash"],
    ["/\t/host", "a tab that browsers drop (/%09/host once decoded)"],
    ["/\n/host", "a line feed that browsers drop"],
    ["\t//host", "leading control character"],
    ["//host", "protocol-relative"],
    ["///host", "three slashes"],
    ["https:host", "scheme without slashes"],
    ["https:/host", "scheme with one slash"],
    ["http://evil.example/me", "absolute URL elsewhere"],
    ["HTTP://EVIL.EXAMPLE", "upper case"],
    ["http://localhost:3001/me", "same host, other port"],
    ["https://localhost:3000/me", "same host, other scheme"],
    ["http://localhost:3000@evil.example/", "credentials trick"],
    ["javascript:alert(1)", "javascript: URL"],
    [" javascript:alert(1)", "javascript: URL after a space"],
    ["data:text/html,<script>alert(1)</script>", "data: URL"],
    ["/.//host", "dot segment that leaves //host as the path"],
    ["/./\\host", "dot segment and backslash"],
  ])("sends %j home (%s)", (value) => {
    expect(home(value)).toBe("/");
  });

  it("keeps encoded slashes encoded: the browser asks the portal for that path, not another host", () => {
    expect(home("%2F%2Fhost")).toBe("/%2F%2Fhost");
    expect(home("/%2F%2Fhost")).toBe("/%2F%2Fhost");
    expect(home("/%5Chost")).toBe("/%5Chost");
    expect(home("/%09/host")).toBe("/%09/host");
  });

  it("answers only ASCII, so a value cannot break the Location header", () => {
    expect(home("/\r\nSet-Cookie: x=y")).toBe("/Set-Cookie:%20x=y");
    expect(home("/\u2028x")).toBe("/%E2%80%A8x");
  });

  it("sends anything that is not one string home", () => {
    for (const value of [undefined, null, "", ["/me", "/admin"], 42, {}]) expect(home(value)).toBe("/");
  });

  it("works the same on an https portal", () => {
    expect(safeRedirectPath("https:host", "https://portal.example")).toBe("/host");
    expect(safeRedirectPath("http://portal.example/me", "https://portal.example")).toBe("/");
    expect(safeRedirectPath("/me?x=1", "https://portal.example")).toBe("/me?x=1");
  });
});
