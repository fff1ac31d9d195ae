import { parseCheckpoint } from "./checkpoint";
import {
  type NoteSigner,
  NoteError,
  type NoteVerifier,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE,
  checkSignature,
  signatureLine,
  keyIdHex,
} from "./note";

/**
 * C2SP tlog-cosignature v1 with Ed25519 (signature type 0x04): a witness's timestamped note
 * signature on a checkpoint. Signed message: `cosignature/v1\ntime <t>\n` + checkpoint body;
 * signature line payload: key ID (4) || timestamp (uint64 BE) || Ed25519 signature (64).
 */

function cosigner(key: string | NoteSigner): NoteSigner {
  const signer = typeof key === "string" ? parseSignerKey(key) : key;
  if (signer.type !== SIGNATURE_TYPE.cosignatureV1)
    throw new NoteError("invalid_key", "A witness key has type 0x04 (cosignature/v1).");
  return signer;
}

/** The cosignature line (with its newline) of `witnessSigner` on a checkpoint body, at POSIX time `time`. */
export function cosignCheckpoint(body: string, witnessSigner: string | NoteSigner, time: number): string {
  parseCheckpoint(body);
  return signatureLine(body, cosigner(witnessSigner), time);
}

export interface VerifiedCosignature {
  name: string;
  keyId: number;
  /** The witness verifier key that verified it. */
  key: string;
  /** When the witness cosigned (POSIX seconds). */
  timestamp: number;
}

/**
 * The witnesses (among `witnessKeys`, type 0x04) whose valid cosignature the signed checkpoint
 * carries, one per key. Signatures by other keys are ignored; a known key's bad signature is
 * reported in `invalid` (the caller decides whether that refuses the whole note).
 */
export function verifyCosignatures(
  signedCheckpoint: string,
  witnessKeys: Array<string | NoteVerifier>,
): { cosigned: VerifiedCosignature[]; invalid: string[] } {
  const { text, signatures } = parseNote(signedCheckpoint);
  parseCheckpoint(text);
  // One key counts once towards a quorum, however often it is listed.
  const verifiers = [
    ...new Map(
      witnessKeys
        .map((key) => (typeof key === "string" ? parseVerifierKey(key) : key))
        .map((verifier) => [`${verifier.name}+${keyIdHex(verifier.keyId)}`, verifier] as const),
    ).values(),
  ];
  if (verifiers.some((verifier) => verifier.type !== SIGNATURE_TYPE.cosignatureV1)) {
    throw new NoteError("invalid_key", "A witness key has type 0x04 (cosignature/v1).");
  }
  const cosigned: VerifiedCosignature[] = [];
  const invalid: string[] = [];
  for (const verifier of verifiers) {
    const mine = signatures.filter((sig) => sig.name === verifier.name && sig.keyId === verifier.keyId);
    if (mine.length === 0) continue;
    const results = mine.map((sig) => checkSignature(verifier, text, sig.signature));
    const good = results.find((result) => result.ok);
    if (results.some((result) => !result.ok)) invalid.push(`${verifier.name}+${keyIdHex(verifier.keyId)}`);
    else if (good?.ok && good.timestamp !== undefined) {
      cosigned.push({ name: verifier.name, keyId: verifier.keyId, key: verifier.key, timestamp: good.timestamp });
    }
  }
  return { cosigned, invalid };
}
