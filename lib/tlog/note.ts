import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, fromBase64, toBase64, utf8 } from "./bytes";

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, and the key strings of Go's
 * golang.org/x/mod/sumdb/note: verifier key `<name>+<hex key ID>+<base64(type || public key)>`,
 * signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>`. Two signature types:
 * 0x01 (Ed25519 over the note text: logs) and 0x04 (tlog-cosignature v1, timestamped Ed25519
 * over `cosignature/v1\ntime <t>\n` + text: witnesses). Isomorphic (runs on /verify).
 */

export const SIGNATURE_TYPE = { ed25519: 0x01, cosignatureV1: 0x04 } as const;
type SignatureType = (typeof SIGNATURE_TYPE)[keyof typeof SIGNATURE_TYPE];

/** Notes with more signature lines than this are refused (Go's limit; the spec asks for at least 16). */
const MAX_SIGNATURES = 100;

export type NoteErrorReason =
  "malformed" | "invalid_key" | "invalid_signature" | "no_verified_signature" | "ambiguous_key";

export class NoteError extends Error {
  constructor(
    readonly reason: NoteErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "NoteError";
  }
}

/** Key names: non-empty, no Unicode spaces, no `+`. */
function isValidKeyName(name: string): boolean {
  return name !== "" && !/[\s+]/u.test(name) && isWellFormedText(name);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormedText = (text: string) => !LONE_SURROGATE.test(text);
// ASCII control characters other than newline.
const CONTROL = /[\u0000-\u0009\u000B-\u001F]/;

/** SHA-256(name || 0x0A || type || public key)[:4], as a uint32. */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), publicKey));
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}

/** A key ID as the 8 hex digits of key strings. */
export const keyIdHex = (id: number) => id.toString(16).padStart(8, "0");

export interface NoteVerifier {
  name: string;
  keyId: number;
  type: SignatureType;
  publicKey: Uint8Array;
  /** The verifier key string this verifier was read from (or would be written as). */
  key: string;
}

export interface NoteSigner extends NoteVerifier {
  seed: Uint8Array;
}

function isSignatureType(type: number): type is SignatureType {
  return type === SIGNATURE_TYPE.ed25519 || type === SIGNATURE_TYPE.cosignatureV1;
}

function parseKeyParts(name: string, idHex: string | undefined, material: string | undefined) {
  const bytes = material === undefined ? null : fromBase64(material);
  if (!isValidKeyName(name) || !idHex || !/^[0-9a-fA-F]{8}$/.test(idHex) || !bytes || bytes.length !== 33) {
    throw new NoteError("invalid_key", "A key must read <name>+<8 hex digits>+<base64 of 33 bytes>.");
  }
  const type = bytes[0]!;
  if (!isSignatureType(type)) throw new NoteError("invalid_key", `Unknown key type 0x${type.toString(16)}.`);
  return { name, id: parseInt(idHex, 16) >>> 0, type, material: bytes.subarray(1) };
}

/** Splits at the first `cuts` plus signs (base64 key material may itself contain `+`). */
function chop(key: string, cuts: number): string[] {
  const parts: string[] = [];
  let rest = key;
  for (let i = 0; i < cuts; i++) {
    const at = rest.indexOf("+");
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}

function verifierOf(name: string, type: SignatureType, publicKey: Uint8Array): NoteVerifier {
  const id = keyId(name, type, publicKey);
  const key = `${name}+${keyIdHex(id)}+${toBase64(concatBytes(Uint8Array.of(type), publicKey))}`;
  return { name, keyId: id, type, publicKey, key };
}

/** Reads a verifier key string; refuses a key ID that does not match the name and key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name = "", idHex, material] = chop(vkey, 2);
  const parts = parseKeyParts(name, idHex, material);
  const verifier = verifierOf(parts.name, parts.type, parts.material);
  if (verifier.keyId !== parts.id) throw new NoteError("invalid_key", "The key ID does not match the key.");
  return { ...verifier, key: vkey };
}

/** Reads a signer key string; refuses one whose key ID does not match the derived public key. */
export function parseSignerKey(skey: string): NoteSigner {
  const [private1, private2, name = "", idHex, material] = chop(skey, 4);
  if (private1 !== "PRIVATE" || private2 !== "KEY") {
    throw new NoteError("invalid_key", "A signer key reads PRIVATE+KEY+<name>+<key ID>+<key>.");
  }
  const parts = parseKeyParts(name, idHex, material);
  const seed = Uint8Array.from(parts.material);
  const verifier = verifierOf(parts.name, parts.type, ed25519.getPublicKey(seed));
  if (verifier.keyId !== parts.id) throw new NoteError("invalid_key", "The key ID does not match the key.");
  return { ...verifier, seed };
}

function signerKeyString(signer: Omit<NoteSigner, "key">): string {
  return `PRIVATE+KEY+${signer.name}+${keyIdHex(signer.keyId)}+${toBase64(concatBytes(Uint8Array.of(signer.type), signer.seed))}`;
}

/**
 * A new signer key string for `name`: type 0x01 for a log, 0x04 for a witness (cosigner).
 * Pass `seed` only to derive a key deterministically (tests).
 */
export function generateSignerKey(
  name: string,
  type: SignatureType = SIGNATURE_TYPE.ed25519,
  seed: Uint8Array = ed25519.utils.randomSecretKey(),
): string {
  if (!isValidKeyName(name)) throw new NoteError("invalid_key", "A key name must be non-empty, without spaces or '+'.");
  if (seed.length !== 32) throw new NoteError("invalid_key", "An Ed25519 seed is 32 bytes.");
  const verifier = verifierOf(name, type, ed25519.getPublicKey(seed));
  return signerKeyString({ ...verifier, seed });
}

/** The public verifier key string of a signer key. */
export function verifierKeyOf(signer: string | NoteSigner): string {
  const parsed = typeof signer === "string" ? parseSignerKey(signer) : signer;
  return verifierOf(parsed.name, parsed.type, parsed.publicKey).key;
}

/** The message a 0x04 cosignature signs. */
function cosignatureMessage(timestamp: number, text: string): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

function readUint64(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const value = view.getBigUint64(0);
  return value > BigInt(MAX_TIMESTAMP) ? null : Number(value);
}

function uint64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
}

/** The signature bytes (after the key ID) of `text` by `signer`; `timestamp` only for 0x04. */
function signatureBytes(text: string, signer: NoteSigner, timestamp?: number): Uint8Array {
  if (signer.type === SIGNATURE_TYPE.ed25519) return ed25519.sign(utf8(text), signer.seed);
  if (timestamp === undefined || !Number.isSafeInteger(timestamp) || timestamp <= 0) {
    throw new RangeError("a cosignature needs a positive POSIX timestamp");
  }
  return concatBytes(uint64(timestamp), ed25519.sign(cosignatureMessage(timestamp, text), signer.seed));
}

/** Does `signature` (after the key ID) sign `text` under `verifier`? For 0x04, also its timestamp. */
export function checkSignature(
  verifier: NoteVerifier,
  text: string,
  signature: Uint8Array,
): { ok: true; timestamp?: number } | { ok: false } {
  const verify = (sig: Uint8Array, message: Uint8Array) => {
    try {
      return ed25519.verify(sig, message, verifier.publicKey, { zip215: false });
    } catch {
      return false;
    }
  };
  if (verifier.type === SIGNATURE_TYPE.ed25519) {
    return signature.length === 64 && verify(signature, utf8(text)) ? { ok: true } : { ok: false };
  }
  if (signature.length !== 8 + 64) return { ok: false };
  const timestamp = readUint64(signature.subarray(0, 8));
  if (timestamp === null || timestamp === 0) return { ok: false };
  return verify(signature.subarray(8), cosignatureMessage(timestamp, text)) ? { ok: true, timestamp } : { ok: false };
}

/** One `— <name> <base64(key ID || signature)>` line, with its newline. */
export function signatureLine(text: string, signer: string | NoteSigner, timestamp?: number): string {
  const parsed = typeof signer === "string" ? parseSignerKey(signer) : signer;
  assertNoteText(text);
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, parsed.keyId);
  return `— ${parsed.name} ${toBase64(concatBytes(id, signatureBytes(text, parsed, timestamp)))}\n`;
}

function assertNoteText(text: string) {
  if (!text.endsWith("\n") || CONTROL.test(text) || !isWellFormedText(text)) {
    throw new NoteError("malformed", "A note's text is newline-terminated UTF-8 without control characters.");
  }
}

/** Signs `text` (which must end in a newline) as a note with one signature. */
export function signNote(text: string, signer: string | NoteSigner): string {
  return `${text}\n${signatureLine(text, signer)}`;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The bytes after the key ID. */
  signature: Uint8Array;
  /** The line as it appeared, without its newline. */
  line: string;
}

/** Splits a note into its text and signature lines, refusing anything malformed (no signature checked). */
export function parseNote(note: string): { text: string; signatures: NoteSignature[] } {
  const malformed = (why: string) => new NoteError("malformed", `Malformed note: ${why}.`);
  if (CONTROL.test(note) || !isWellFormedText(note)) throw malformed("control characters or invalid text");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the signatures");
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === "" || !block.endsWith("\n")) throw malformed("no signature lines");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    if (!line.startsWith("— ")) throw malformed("a signature line must start with an em dash and a space");
    const rest = line.slice(2);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const bytes = space < 0 ? null : fromBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !bytes || bytes.length < 5)
      throw malformed("a signature line is not `— <name> <base64>`");
    const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
    return { name, keyId: view.getUint32(0), signature: bytes.subarray(4), line };
  });
  return { text, signatures };
}

export interface VerifiedSignature {
  name: string;
  keyId: number;
  /** The verifier key that verified it. */
  key: string;
  /** Cosignatures (0x04) only: when the witness signed. */
  timestamp?: number;
}

/**
 * Opens a note as Go's note.Open does: signatures from unknown keys (name and key ID not both
 * known) are listed as unverified; a known key's signature must verify, or the whole note is
 * refused; at least one must verify. Repeated signatures by one key count once.
 */
export function openNote(
  note: string,
  verifiers: Array<string | NoteVerifier>,
): { text: string; verified: VerifiedSignature[]; unverified: Array<{ name: string; keyId: number }> } {
  const { text, signatures } = parseNote(note);
  const known = new Map<string, NoteVerifier[]>();
  for (const entry of verifiers) {
    const verifier = typeof entry === "string" ? parseVerifierKey(entry) : entry;
    const id = `${verifier.name}+${keyIdHex(verifier.keyId)}`;
    known.set(id, [...(known.get(id) ?? []), verifier]);
  }
  const verified: VerifiedSignature[] = [];
  const unverified: Array<{ name: string; keyId: number }> = [];
  const seen = new Set<string>();
  for (const { name, keyId: id, signature, line } of signatures) {
    const keyName = `${name}+${keyIdHex(id)}`;
    const candidates = known.get(keyName);
    if (!candidates) {
      if (!seen.has(line)) unverified.push({ name, keyId: id });
      seen.add(line);
      continue;
    }
    if (candidates.length > 1) throw new NoteError("ambiguous_key", `More than one verifier key is ${keyName}.`);
    if (seen.has(keyName)) continue;
    seen.add(keyName);
    const verifier = candidates[0]!;
    const result = checkSignature(verifier, text, signature);
    if (!result.ok) throw new NoteError("invalid_signature", `The signature by ${keyName} does not verify.`);
    verified.push({ name, keyId: id, key: verifier.key, ...(result.timestamp ? { timestamp: result.timestamp } : {}) });
  }
  if (verified.length === 0)
    throw new NoteError("no_verified_signature", "No signature on the note is from a known key.");
  return { text, verified, unverified };
}
