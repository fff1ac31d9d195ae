import "server-only";
import type { JSONWebKeySet } from "jose";
import { env } from "@/lib/env";
import { readReceiptJwks } from "@/lib/receipts/read-receipt-jwks";
import { parseWitnesses, parseWitnessQuorum } from "@/lib/witness/witness-config";
import { verifierKeyOf } from "./note";

export interface VerificationKeys {
  /** The log's verifier key, or "" when no log key is configured. */
  logKey: string;
  witnessKeys: string[];
  quorum: number;
  jwks: JSONWebKeySet;
}

/** The public keys a person needs to verify a receipt, as this portal is configured (they may bring their own). */
export async function readVerificationKeys(): Promise<VerificationKeys> {
  const config = env();
  const witnesses = parseWitnesses(config.WITNESSES);
  return {
    logKey: config.LOG_SIGNING_KEY ? verifierKeyOf(config.LOG_SIGNING_KEY) : "",
    witnessKeys: witnesses.map((witness) => witness.key),
    quorum: Math.max(1, parseWitnessQuorum(config.WITNESS_QUORUM, witnesses.length)),
    jwks: await readReceiptJwks(),
  };
}
