import "server-only";
import { ed25519 } from "@noble/curves/ed25519.js";
import { env } from "@/lib/env";
import { keyProvider } from "@/lib/keys/key-provider";
import { keyId, keyIdHex, SIGNATURE_TYPE } from "@/lib/tlog/note";
import { parseWitnessQuorum } from "@/lib/witness/witness-config";

/** The log's signer key and identity, and the witnesses that cosign its checkpoints (ADR 028). */
export interface LogConfig {
  /** C2SP signer key `PRIVATE+KEY+<origin>+<id>+<key>`: from the key provider, never the database. */
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

/** The C2SP signer key string for an Ed25519 seed under `name` (Go's note.NewSigner format). */
export function signerKeyFromSeed(name: string, seedHex: string): string {
  const seed = Buffer.from(seedHex, "hex");
  const id = keyId(name, SIGNATURE_TYPE.ed25519, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${keyIdHex(id)}+${Buffer.concat([Buffer.of(SIGNATURE_TYPE.ed25519), seed]).toString("base64")}`;
}

/** The log's origin: LOG_ORIGIN, else the portal's host followed by `/consent-log`. */
function logOrigin(): string {
  const config = env();
  return config.LOG_ORIGIN ?? `${new URL(config.APP_BASE_URL).host}/consent-log`;
}

export function logConfig(): LogConfig {
  const config = env();
  const origin = logOrigin();
  const witnesses = config.WITNESSES.map((witness) => ({
    url: witness.url,
    verifierKey: witness.key,
    name: witness.verifier.name,
  }));
  return {
    // Read through the key provider at each use: a rotated key file is picked up (ADR 026).
    signerKey: signerKeyFromSeed(origin, keyProvider().read().LOG_SIGNING_KEY),
    origin,
    witnesses,
    quorum: parseWitnessQuorum(config.WITNESS_QUORUM, witnesses.length),
  };
}
