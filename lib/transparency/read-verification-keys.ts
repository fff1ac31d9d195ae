import "server-only";
import type { JSONWebKeySet } from "jose";
import { readReceiptJwks } from "@/lib/receipts/read-receipt-jwks";
import { verifierKeyOf } from "@/lib/tlog/note";
import { logConfig } from "./log-config";

export interface VerificationKeys {
  /** The log's verifier key. */
  logKey: string;
  witnessKeys: string[];
  quorum: number;
  jwks: JSONWebKeySet;
}

/** The public keys a person needs to verify a receipt, as this portal is configured (they may bring their own). */
export async function readVerificationKeys(): Promise<VerificationKeys> {
  const config = logConfig();
  return {
    logKey: verifierKeyOf(config.signerKey),
    witnessKeys: config.witnesses.map((witness) => witness.verifierKey),
    quorum: Math.max(1, config.quorum),
    jwks: await readReceiptJwks(),
  };
}
