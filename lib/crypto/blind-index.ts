import { createHmac } from "node:crypto";

/** The form of an address that the blind index covers: Auth0 stores database emails lower-case. */
export function normalizeEmail(email: string): string {
  return email.normalize("NFC").trim().toLowerCase();
}

/** HMAC-SHA256 of the normalized address: exact search without storing the address. */
export function computeEmailBlindIndex(key: Buffer, email: string): string {
  return createHmac("sha256", key).update(normalizeEmail(email), "utf8").digest("hex");
}

/** Keyed hash of a user agent: comparable across events, not reversible by a dictionary of UAs. */
export function computeUserAgentHash(key: Buffer, userAgent: string): string {
  return createHmac("sha256", key).update(userAgent, "utf8").digest("hex");
}
