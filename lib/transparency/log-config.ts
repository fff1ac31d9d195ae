import "server-only";
import { env } from "@/lib/env";
import { parseWitnessQuorum } from "@/lib/witness/witness-config";

/** The log's signer key and identity, and the witnesses that cosign its checkpoints (ADR 028). */
export interface LogConfig {
  /** C2SP signer key `PRIVATE+KEY+<origin>+<id>+<key>`: read from configuration, never stored. */
  signerKey: string;
  /** The log's origin line: the signer key's name. */
  origin: string;
  witnesses: Array<{ url: string; verifierKey: string; name: string }>;
  /** Cosignatures a checkpoint needs before it is served as witnessed. */
  quorum: number;
}

/** The name part of a signed-note key (`<name>+<id>+<key>`, or with `PRIVATE+KEY+` in front). */
export function keyName(key: string): string {
  return key.replace(/^PRIVATE\+KEY\+/, "").split("+")[0]!;
}

export function logConfig(): LogConfig {
  const config = env();
  const witnesses = config.WITNESSES.map((witness) => ({
    url: witness.url,
    verifierKey: witness.key,
    name: witness.verifier.name,
  }));
  return {
    signerKey: config.LOG_SIGNING_KEY,
    origin: keyName(config.LOG_SIGNING_KEY),
    witnesses,
    quorum: parseWitnessQuorum(config.WITNESS_QUORUM, witnesses.length),
  };
}
