import { isIPv4, isIPv6 } from "node:net";

/**
 * Truncates an IP address before it is stored (data minimisation): IPv4 keeps its /24
 * (`203.0.113.0`), IPv6 its /48 (`2001:db8:85a3::`). Anything else is dropped (null).
 */
export function truncateIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let address = ip.trim();
  // IPv4-mapped IPv6 (`::ffff:203.0.113.7`) is IPv4 as far as privacy goes.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  if (isIPv4(address)) {
    const [a, b, c] = address.split(".");
    return `${a}.${b}.${c}.0`;
  }
  if (isIPv6(address)) {
    const groups = expandIPv6(address)
      .slice(0, 3)
      .map((group) => group.replace(/^0+(?=.)/, ""));
    return `${groups.join(":")}::`;
  }
  return null;
}

/** The eight 16-bit groups of an IPv6 address (zone id removed). */
function expandIPv6(address: string): string[] {
  const [withoutZone] = address.split("%");
  const [head = "", tail] = withoutZone!.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (`::1.2.3.4`) counts as two groups; we only keep the first three anyway.
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(Math.max(0, missing)).fill("0"), ...tailGroups];
}
