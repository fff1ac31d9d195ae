import { describe, expect, it } from "vitest";
import { truncateIp } from "./truncate-ip";

describe("truncateIp", () => {
  it("keeps the /24 of an IPv4 address", () => {
    expect(truncateIp("203.0.113.77")).toBe("203.0.113.0");
    expect(truncateIp(" 10.1.2.3 ")).toBe("10.1.2.0");
  });

  it("treats IPv4-mapped IPv6 as IPv4", () => {
    expect(truncateIp("::ffff:198.51.100.9")).toBe("198.51.100.0");
  });

  it("keeps the /48 of an IPv6 address, compressed or not", () => {
    expect(truncateIp("2001:0db8:85a3:0000:0000:8a2e:0370:7334")).toBe("2001:db8:85a3::");
    expect(truncateIp("2001:db8::1")).toBe("2001:db8:0::");
    expect(truncateIp("::1")).toBe("0:0:0::");
    expect(truncateIp("fe80::1%eth0")).toBe("fe80:0:0::");
  });

  it("drops anything that is not an IP address", () => {
    expect(truncateIp("not-an-ip")).toBeNull();
    expect(truncateIp("")).toBeNull();
    expect(truncateIp(undefined)).toBeNull();
    expect(truncateIp("999.1.1.1")).toBeNull();
  });
});
