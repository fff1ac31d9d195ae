import "server-only";
import { hkdfSync } from "node:crypto";
import { env } from "@/lib/env";

let cached: { master: Buffer; emailIndex: Buffer; userAgent: Buffer } | undefined;

// One configured BLIND_INDEX_KEY, separate derived keys per use (HKDF), so an email index value
// can never be confused with a user-agent hash of the same string.
function derive(root: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync("sha256", root, Buffer.alloc(0), `consent-portal:${label}`, 32));
}

function keys() {
  if (!cached) {
    const config = env();
    const blindRoot = Buffer.from(config.BLIND_INDEX_KEY, "hex");
    cached = {
      master: Buffer.from(config.LEDGER_MASTER_KEY, "hex"),
      emailIndex: derive(blindRoot, "email-blind-index"),
      userAgent: derive(blindRoot, "user-agent-hash"),
    };
  }
  return cached;
}

/** Wraps (encrypts) subjects' data keys. */
export function masterKey(): Buffer {
  return keys().master;
}

export function emailBlindIndexKey(): Buffer {
  return keys().emailIndex;
}

export function userAgentHashKey(): Buffer {
  return keys().userAgent;
}
