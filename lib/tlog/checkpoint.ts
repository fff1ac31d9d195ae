import { fromBase64, toBase64 } from "./bytes";
import { type Hash, HASH_SIZE } from "./merkle";
import { NoteError, type NoteSigner, openNote, type NoteVerifier, signNote } from "./note";

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text
 * `<origin>\n<size>\n<base64 root>\n[extension lines\n]`.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  extensions?: string[];
}

/** The checkpoint's note text (body), newline-terminated. */
export function formatCheckpoint({ origin, size, root, extensions = [] }: Checkpoint): string {
  if (origin === "" || origin.includes("\n")) throw new RangeError("a checkpoint origin is one non-empty line");
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError("a checkpoint size is a non-negative integer");
  if (root.length !== HASH_SIZE) throw new RangeError("a checkpoint root is 32 bytes");
  if (extensions.some((line) => line === "" || line.includes("\n")))
    throw new RangeError("extension lines are non-empty lines");
  return [origin, String(size), toBase64(root), ...extensions].map((line) => `${line}\n`).join("");
}

/** Reads a checkpoint body; anything not exactly in the format is refused (NoteError "malformed"). */
export function parseCheckpoint(body: string): Checkpoint {
  const malformed = (why: string) => new NoteError("malformed", `Malformed checkpoint: ${why}.`);
  if (!body.endsWith("\n")) throw malformed("it must end with a newline");
  const [origin, sizeText, rootText, ...extensions] = body.slice(0, -1).split("\n");
  if (!origin || sizeText === undefined || rootText === undefined)
    throw malformed("it needs origin, size and root lines");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw malformed("the size must be a decimal number without leading zeros");
  }
  const root = fromBase64(rootText);
  if (!root || root.length !== HASH_SIZE) throw malformed("the root must be 32 bytes in base64");
  if (extensions.some((line) => line === "")) throw malformed("extension lines must not be empty");
  return { origin, size: Number(sizeText), root, ...(extensions.length > 0 ? { extensions } : {}) };
}

/** A checkpoint signed by the log (a note with the log's one signature line). */
export function signCheckpoint(checkpoint: Checkpoint, logSigner: string | NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), logSigner);
}

/**
 * Opens a signed checkpoint with the log's verifier key: the log's signature must be present
 * and valid, and its key name must be the origin (tlog-checkpoint: it SHOULD; we require it).
 */
export function openCheckpoint(note: string, logKey: string | NoteVerifier): { checkpoint: Checkpoint; text: string } {
  const { text, verified } = openNote(note, [logKey]);
  const checkpoint = parseCheckpoint(text);
  if (verified[0]!.name !== checkpoint.origin) {
    throw new NoteError("invalid_signature", "The checkpoint's origin is not the log key's name.");
  }
  return { checkpoint, text };
}
