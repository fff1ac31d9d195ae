import { describe, expect, it } from "vitest";
import { apiSecurityHeaders, newNonce, securityHeaders } from "./security-headers";

const directives = (headers: Record<string, string>) =>
  Object.fromEntries(
    headers["content-security-policy"]!.split("; ").map((directive) => {
      const [name, ...sources] = directive.split(" ");
      return [name!, sources];
    }),
  );

describe("securityHeaders", () => {
  const local = securityHeaders({
    nonce: "abc123==",
    baseUrl: "http://localhost:3000",
    identityOrigin: "http://localhost:4010",
  });

  it("runs only scripts that carry the request's nonce: no unsafe-inline, no unsafe-eval", () => {
    const csp = directives(local);
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'none'"]);
    expect(local["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe/);
  });

  it("is never framed, and forms post only to the portal and the identity provider", () => {
    const csp = directives(local);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["form-action"]).toEqual(["'self'", "http://localhost:4010"]);
    expect(local["x-frame-options"]).toBe("DENY");
  });

  it("sends nosniff, a referrer policy and a permissions policy", () => {
    expect(local["x-content-type-options"]).toBe("nosniff");
    expect(local["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(local["permissions-policy"]).toContain("camera=()");
  });

  it("sends HSTS only when the portal is served over https", () => {
    expect(local).not.toHaveProperty("strict-transport-security");
    const https = securityHeaders({
      nonce: "n",
      baseUrl: "https://consent.example",
      identityOrigin: "https://tenant.auth0.com",
    });
    expect(https["strict-transport-security"]).toBe("max-age=31536000");
    expect(directives(https)["upgrade-insecure-requests"]).toEqual([]);
  });

  it("allows eval only to next dev", () => {
    const development = securityHeaders({
      nonce: "n",
      baseUrl: "http://localhost:3000",
      identityOrigin: "http://localhost:4010",
      development: true,
    });
    expect(directives(development)["script-src"]).toContain("'unsafe-eval'");
  });

  it("makes a new 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("apiSecurityHeaders", () => {
  it("lets nothing in a JSON answer run or be framed, and adds HSTS on https", () => {
    const headers = apiSecurityHeaders("https://consent.example");
    expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(apiSecurityHeaders("http://localhost:3000")).not.toHaveProperty("strict-transport-security");
  });
});
