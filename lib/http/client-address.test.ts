import { describe, expect, it } from "vitest";
import { clientAddress, parseAddress, parseTrustedProxies } from "./client-address";

const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.1, 2001:db8:1::/48, ::ffff:172.16.0.0/108");
const from = (peer: string | null, forwardedFor?: string | null) =>
  clientAddress({ peer, forwardedFor, trustedProxies: trusted });

describe("TRUSTED_PROXIES", () => {
  it("takes CIDR ranges and single addresses, IPv4-mapped IPv6 ranges as IPv4", () => {
    expect(parseTrustedProxies("")).toEqual([]);
    expect(parseTrustedProxies(" , ")).toEqual([]);
    expect(trusted.map(([network, bits]) => `${network.toString()}/${bits}`)).toEqual([
      "10.0.0.0/8",
      "192.168.1.1/32",
      "2001:db8:1::/48",
      "172.16.0.0/12",
    ]);
  });

  it("names the entry it cannot read", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, example.com")).toThrow('"example.com" is not an IP address');
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow('"10.0.0.0/33"');
    expect(() => parseTrustedProxies("127.1")).toThrow('"127.1"');
  });
});

describe("the client address", () => {
  it("is the socket's address when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(from("203.0.113.7", "198.51.100.77")).toBe("203.0.113.7");
    expect(from("203.0.113.7", "198.51.100.77, 10.0.0.1")).toBe("203.0.113.7");
    expect(from("::ffff:203.0.113.7", "198.51.100.77")).toBe("203.0.113.7");
    expect(from("2001:db8:2::5", "198.51.100.77")).toBe("2001:db8:2::5");
  });

  it("is the right-most untrusted X-Forwarded-For entry behind trusted proxies", () => {
    expect(from("10.0.0.1", "198.51.100.77")).toBe("198.51.100.77");
    // A client's own forged entry sits left of what our proxies appended.
    expect(from("10.0.0.1", "1.2.3.4, 198.51.100.77, 10.0.0.2")).toBe("198.51.100.77");
    expect(from("::ffff:10.0.0.1", "198.51.100.77,192.168.1.1")).toBe("198.51.100.77");
    expect(from("::ffff:172.16.5.5", "198.51.100.77")).toBe("198.51.100.77");
    // Several headers arrive joined with ", "; empty entries are skipped.
    expect(from("10.0.0.1", "1.2.3.4, , 198.51.100.77,")).toBe("198.51.100.77");
  });

  it("reads IPv6 entries, bracketed ones and ones with ports", () => {
    expect(from("2001:db8:1::10", "2001:db8:ffff::1")).toBe("2001:db8:ffff::1");
    expect(from("2001:db8:1::10", "[2001:db8:ffff::1]:443")).toBe("2001:db8:ffff::1");
    expect(from("10.0.0.1", "198.51.100.77:5678")).toBe("198.51.100.77");
    expect(from("10.0.0.1", "::ffff:198.51.100.77")).toBe("198.51.100.77");
    expect(from("10.0.0.1", "fe80::1%eth0")).toBe("fe80::1%eth0");
  });

  it("is the left-most hop when every hop is trusted, and the peer when nothing was forwarded", () => {
    expect(from("10.0.0.1", "10.9.9.9, 10.0.0.2")).toBe("10.9.9.9");
    expect(from("10.0.0.1", null)).toBe("10.0.0.1");
    expect(from("10.0.0.1", "")).toBe("10.0.0.1");
  });

  it("is unknown (null) when a forwarded entry that counts is garbage, or there is no peer", () => {
    expect(from("10.0.0.1", "unknown")).toBeNull();
    expect(from("10.0.0.1", "198.51.100.77, <script>")).toBeNull();
    expect(from("10.0.0.1", "127.1")).toBeNull();
    expect(from("10.0.0.1", "0x7f.0.0.1")).toBeNull();
    expect(from("10.0.0.1", "999.1.1.1")).toBeNull();
    expect(from(null, "198.51.100.77")).toBeNull();
    expect(from("not-an-ip", "198.51.100.77")).toBeNull();
    // Garbage left of the right-most untrusted entry does not matter.
    expect(from("10.0.0.1", "garbage, 198.51.100.77")).toBe("198.51.100.77");
  });

  it("trusts nothing forwarded when TRUSTED_PROXIES is empty", () => {
    expect(clientAddress({ peer: "127.0.0.1", forwardedFor: "198.51.100.77", trustedProxies: [] })).toBe("127.0.0.1");
  });

  it("parses only dotted-quad IPv4 and IPv6", () => {
    expect(parseAddress(" 203.0.113.7 ")?.toString()).toBe("203.0.113.7");
    expect(parseAddress("2001:DB8::1")?.toString()).toBe("2001:db8::1");
    expect(parseAddress("1.2.3")).toBeNull();
    expect(parseAddress("")).toBeNull();
    expect(parseAddress("[1.2.3.4")).toBeNull();
  });
});
