import "server-only";
import { environmentKeys, keySource } from "@/lib/env";
import type { PortalKeys } from "./portal-keys";
import { fileKeyProvider } from "./file-key-provider";

/**
 * Where the portal's secret keys come from (ADR 026). The domain reads every key through this
 * interface (lib/crypto/ledger-keys.ts, lib/receipts/signing-key.ts), so another source, e.g. a
 * KMS or a secret manager, is one more implementation chosen here.
 */
export interface KeyProvider {
  /** Where the keys are, for messages: "the environment", "keys file /srv/portal/keys.json". */
  readonly source: string;
  /** The keys as they are now. May be called per request: implementations cache. */
  read(): PortalKeys;
  /** Stores changed keys (rotation). Absent when the operator changes them (the environment). */
  readonly write?: (keys: PortalKeys) => void;
}

function environmentKeyProvider(): KeyProvider {
  const keys = environmentKeys(keySource());
  return { source: "the environment", read: () => keys };
}

let chosen: KeyProvider | undefined;

/** The configured provider: the keys file when KEYS_FILE is set, else the environment. */
export function keyProvider(): KeyProvider {
  if (!chosen) {
    const file = keySource().KEYS_FILE;
    chosen = file ? fileKeyProvider(file) : environmentKeyProvider();
  }
  return chosen;
}
