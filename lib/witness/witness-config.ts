import { NoteError, type NoteVerifier, parseVerifierKey, SIGNATURE_TYPE } from "@/lib/tlog/note";

/**
 * The portal's witnesses, from configuration: `WITNESSES` is a list (commas or spaces) of
 * `<witness URL>#<witness verifier key>`; `WITNESS_QUORUM` is how many of them must cosign
 * a checkpoint (default: 1 when any witness is configured).
 */

export interface ConfiguredWitness {
  url: string;
  /** Verifier key string (type 0x04). */
  key: string;
  verifier: NoteVerifier;
}

export function parseWitnesses(value: string): ConfiguredWitness[] {
  const entries = value.split(/[\s,]+/).filter(Boolean);
  const witnesses = entries.map((entry) => {
    const at = entry.indexOf("#");
    const url = at < 0 ? "" : entry.slice(0, at);
    const key = at < 0 ? "" : entry.slice(at + 1);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new Error(`a witness is <http(s) URL>#<verifier key>, got "${entry}"`);
    }
    let verifier: NoteVerifier;
    try {
      verifier = parseVerifierKey(key);
    } catch (error) {
      throw new Error(
        `the witness key for ${url} is not a verifier key: ${error instanceof NoteError ? error.message : String(error)}`,
      );
    }
    if (verifier.type !== SIGNATURE_TYPE.cosignatureV1)
      throw new Error(`the witness key for ${url} must be a cosignature (0x04) key`);
    return { url, key, verifier };
  });
  const names = witnesses.map((witness) => witness.key);
  if (new Set(names).size !== names.length) throw new Error("a witness key is listed twice");
  return witnesses;
}

/** The quorum: at least 1 (when witnesses exist) and at most the number of witnesses. */
export function parseWitnessQuorum(value: string | undefined, witnessCount: number): number {
  if (value === undefined || value === "") return Math.min(1, witnessCount);
  const quorum = Number(value);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnessCount) {
    throw new Error(`WITNESS_QUORUM must be an integer from 0 to the number of witnesses (${witnessCount})`);
  }
  return quorum;
}
