import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup as dnsLookupAsync } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { AppError } from "@/lib/errors";

/**
 * SSRF guard for webhook URLs (ADR 034): an endpoint may only reach public unicast addresses,
 * unless WEBHOOK_ALLOW_PRIVATE is set (local development, tests). ipaddr.js names the range;
 * anything but "unicast" (private, loopback, link-local, unique-local, CGNAT, multicast,
 * reserved, unspecified…) is refused; IPv4-mapped IPv6 is judged as the IPv4 address it holds.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/** The literal IP address in a URL's hostname (IPv6 without its brackets), or null for a name. */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

function refused(message: string): AppError {
  return new AppError("validation_failed", message, { field: "url" });
}

/**
 * Checks an endpoint URL when it is registered: http(s) only, no credentials in it, and (unless
 * private addresses are allowed) a host that resolves to public addresses only. Deliveries check
 * again when they connect (see `guardedLookup`), so a name that later resolves elsewhere
 * (DNS rebinding) is refused then.
 */
export async function checkEndpointUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused("Enter a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw refused("Only http:// and https:// URLs can receive webhooks.");
  if (url.username || url.password)
    throw refused("Put no user name or password in the URL; deliveries are signed instead.");
  if (allowPrivate) return url;
  const literal = literalAddress(url.hostname);
  if (literal) {
    if (!isPublicAddress(literal))
      throw refused("This address is private, loopback or reserved: webhooks go to public addresses only.");
    return url;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookupAsync(url.hostname, { all: true });
  } catch {
    throw refused(`The host ${url.hostname} could not be resolved.`);
  }
  if (addresses.length === 0 || addresses.some((entry) => !isPublicAddress(entry.address))) {
    throw refused(`The host ${url.hostname} resolves to a private, loopback or reserved address.`);
  }
  return url;
}

/** Thrown by the delivery's connection when the host is not allowed. */
export class ForbiddenAddressError extends Error {
  constructor(host: string) {
    super(`${host} resolves to a private, loopback or reserved address`);
    this.name = "ForbiddenAddressError";
  }
}

/**
 * A `lookup` for node:http(s) that resolves the name and refuses private addresses at connect
 * time, so the address checked is the address connected to. (Node does not call `lookup` for a
 * literal IP: `assertDeliverableHost` checks those.)
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses;
      if (!allowPrivate && (list.length === 0 || list.some((entry) => !isPublicAddress(entry.address)))) {
        return callback(new ForbiddenAddressError(hostname), "", 0);
      }
      if (options.all) return (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Refuses a literal private address in a delivery's URL (names are checked by `guardedLookup`). */
export function assertDeliverableHost(url: URL, allowPrivate: boolean): void {
  const literal = literalAddress(url.hostname);
  if (!allowPrivate && literal && !isPublicAddress(literal)) throw new ForbiddenAddressError(url.hostname);
}
