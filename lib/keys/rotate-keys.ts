import "server-only";
import { randomBytes } from "node:crypto";
import { receiptPublicKey } from "@/lib/receipts/signing-key";
import type { KeyProvider } from "./key-provider";
import type { PortalKeys } from "./portal-keys";

/**
 * What a rotation changed: stored by the provider when it can write (a keys file), otherwise the
 * variables the operator must set (the environment), each as `NAME=value` (ADR 026).
 */
export interface KeyChange {
  stored: boolean;
  /** The changed variables, lists comma-separated, as they go into the environment. */
  variables: Record<string, string>;
}

function apply(provider: KeyProvider, change: Partial<PortalKeys>): KeyChange {
  const keys = { ...provider.read(), ...change };
  provider.write?.(keys);
  const variables = Object.fromEntries(
    Object.entries(change).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : String(value)]),
  );
  return { stored: provider.write !== undefined, variables };
}

const newKey = () => randomBytes(32).toString("hex");

/**
 * Starts a new receipt signing key. The old key's public half joins the retired keys (still in
 * the JWKS, so its receipts keep verifying); its private half is dropped, so nothing can sign
 * with it again.
 */
export async function rotateReceiptSigningKey(provider: KeyProvider): Promise<KeyChange> {
  const current = provider.read();
  const retired = await receiptPublicKey(current.RECEIPT_SIGNING_KEY);
  return apply(provider, {
    RECEIPT_SIGNING_KEY: newKey(),
    RECEIPT_RETIRED_PUBLIC_KEYS: [retired, ...current.RECEIPT_RETIRED_PUBLIC_KEYS.filter((key) => key !== retired)],
  });
}

/**
 * Makes a new master key current and keeps the old one for unwrapping until every subject is
 * rewrapped. Null when a rotation is already under way (previous keys are configured).
 */
export function startMasterKeyRotation(provider: KeyProvider): KeyChange | null {
  const current = provider.read();
  if (current.LEDGER_PREVIOUS_MASTER_KEYS.length > 0) return null;
  return apply(provider, { LEDGER_MASTER_KEY: newKey(), LEDGER_PREVIOUS_MASTER_KEYS: [current.LEDGER_MASTER_KEY] });
}

/** Forgets the previous master keys. Only once no subject's data key is wrapped by one of them. */
export function retirePreviousMasterKeys(provider: KeyProvider): KeyChange {
  return apply(provider, { LEDGER_PREVIOUS_MASTER_KEYS: [] });
}
