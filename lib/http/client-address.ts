import ipaddr from "ipaddr.js";

// Which address a request came from, for the ledger's IP evidence (ADR 027). X-Forwarded-For is
// written by whoever sent the request, so it counts only as far as the hops that wrote it are
// proxies we trust; everything else is the TCP peer's address.

type Address = ipaddr.IPv4 | ipaddr.IPv6;
/** A network in CIDR form, IPv4-mapped IPv6 ranges already turned into IPv4 ones. */
export type TrustedProxies = ReadonlyArray<readonly [Address, number]>;

/** IPv4-mapped IPv6 (`::ffff:203.0.113.7`, what a dual-stack socket reports) is IPv4. */
function unmapped(address: Address): Address {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * One address: dotted-quad IPv4 (not `127.1` or hex), IPv6 with an optional zone, optionally
 * bracketed or with a port as some proxies write them (`[2001:db8::1]:443`, `203.0.113.7:5678`).
 * Anything else is null.
 */
export function parseAddress(text: string | null | undefined): Address | null {
  if (!text) return null;
  let value = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (ipaddr.IPv6.isValid(value)) return unmapped(ipaddr.IPv6.parse(value));
  return null;
}

/**
 * `TRUSTED_PROXIES`: comma-separated CIDR ranges or single addresses (`10.0.0.0/8, ::1`).
 * Throws naming the first entry that is neither.
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  return list
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      if (ipaddr.isValidCIDR(entry)) {
        const [network, bits] = ipaddr.parseCIDR(entry);
        if (network.kind() === "ipv6" && (network as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
          return [(network as ipaddr.IPv6).toIPv4Address(), bits - 96] as const;
        }
        return [network, bits] as const;
      }
      const address = parseAddress(entry);
      if (!address) throw new Error(`"${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1/128)`);
      return [address, address.kind() === "ipv4" ? 32 : 128] as const;
    });
}

function isTrusted(address: Address, trusted: TrustedProxies): boolean {
  return trusted.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/**
 * The client's address. The TCP peer, unless the peer is a trusted proxy: then X-Forwarded-For
 * is read from the right (each proxy appends the address it saw) and the first address that is
 * not a trusted proxy is the client. An unreadable entry ends the walk with null: nothing to
 * its left can be trusted, and recording a proxy as the client would be false evidence.
 */
export function clientAddress(request: {
  peer: string | null | undefined;
  forwardedFor: string | null | undefined;
  trustedProxies: TrustedProxies;
}): string | null {
  let hop = parseAddress(request.peer);
  if (!hop) return null;
  if (!isTrusted(hop, request.trustedProxies)) return hop.toString();
  const chain = (request.forwardedFor ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const address = parseAddress(chain[index]);
    if (!address) return null;
    if (!isTrusted(address, request.trustedProxies)) return address.toString();
    hop = address;
  }
  // Every hop is a trusted proxy (or there was no header): the left-most one is all we know.
  return hop.toString();
}
