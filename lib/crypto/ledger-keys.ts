import "server-only";
import { hkdfSync } from "node:crypto";
import { keyProvider } from "@/lib/keys/key-provider";
import type { PortalKeys } from "@/lib/keys/portal-keys";
import { masterKeyRing, type MasterKeyRing } from "./wrapped-data-key";

// One configured BLIND_INDEX_KEY, separate derived keys per use (HKDF), so an email index value
// can never be confused with a user-agent hash of the same string.
function derive(root: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync("sha256", root, Buffer.alloc(0), `consent-portal:${label}`, 32));
}

// Derived once per version of the keys: the provider returns the same object until they change.
let cached: { from: PortalKeys; master: MasterKeyRing; emailIndex: Buffer; userAgent: Buffer } | undefined;

function keys() {
  const current = keyProvider().read();
  if (cached?.from !== current) {
    const blindRoot = Buffer.from(current.BLIND_INDEX_KEY, "hex");
    cached = {
      from: current,
      master: masterKeyRing(
        Buffer.from(current.LEDGER_MASTER_KEY, "hex"),
        current.LEDGER_PREVIOUS_MASTER_KEYS.map((key) => Buffer.from(key, "hex")),
      ),
      emailIndex: derive(blindRoot, "email-blind-index"),
      userAgent: derive(blindRoot, "user-agent-hash"),
    };
  }
  return cached;
}

/** The master keys that wrap (current) and unwrap (all) subjects' data keys. */
export function masterKeys(): MasterKeyRing {
  return keys().master;
}

export function emailBlindIndexKey(): Buffer {
  return keys().emailIndex;
}

export function userAgentHashKey(): Buffer {
  return keys().userAgent;
}
