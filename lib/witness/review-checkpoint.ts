import { equalBytes, fromBase64, fromUtf8, toBase64 } from "@/lib/tlog/bytes";
import { parseCheckpoint, type Checkpoint } from "@/lib/tlog/checkpoint";
import { cosignCheckpoint } from "@/lib/tlog/cosignature";
import { emptyRoot, type Hash, HASH_SIZE, verifyConsistency } from "@/lib/tlog/merkle";
import { NoteError, type NoteSigner, openNote, parseNote, type NoteVerifier } from "@/lib/tlog/note";

/**
 * The C2SP tlog-witness `add-checkpoint` rules (https://c2sp.org/tlog-witness), as one pure
 * decision: given the request body and what the witness last cosigned, the HTTP answer and, when
 * it cosigns, the state to persist before answering. Status codes are the spec's.
 */

/** What a witness remembers per log: the latest checkpoint it cosigned. */
export interface CosignedCheckpoint {
  size: number;
  /** base64 root hash. */
  root: string;
  /** The checkpoint text, the log signatures the witness verified, and its own cosignature. */
  note: string;
}

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
  /** Set when the witness cosigned: persist it, atomically, before sending the answer. */
  cosigned?: { origin: string; record: CosignedCheckpoint };
}

const MAX_PROOF_LINES = 63;

const text = (status: WitnessAnswer["status"], message: string): WitnessAnswer => ({
  status,
  contentType: "text/plain; charset=utf-8",
  body: `${message}\n`,
});

interface AddCheckpointRequest {
  oldSize: number;
  proof: Hash[];
  note: string;
}

/** Splits the body into the old size line, proof lines, a blank line and the checkpoint note. */
function parseRequest(body: Uint8Array): AddCheckpointRequest | string {
  const decoded = fromUtf8(body);
  if (decoded === null) return "The body is not UTF-8.";
  const blank = decoded.indexOf("\n\n");
  if (blank < 0) return "The body needs an old size line, proof lines, a blank line and the checkpoint.";
  const [oldLine = "", ...proofLines] = decoded.slice(0, blank).split("\n");
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || !Number.isSafeInteger(Number(old[1]))) return "The first line must be `old <size>`.";
  if (proofLines.length > MAX_PROOF_LINES) return `At most ${MAX_PROOF_LINES} consistency proof lines.`;
  const proof: Hash[] = [];
  for (const line of proofLines) {
    const hash = fromBase64(line);
    if (!hash || hash.length !== HASH_SIZE) return "Each consistency proof line must be one base64 SHA-256 hash.";
    proof.push(hash);
  }
  return { oldSize: Number(old[1]), proof, note: decoded.slice(blank + 2) };
}

export function reviewCheckpoint(input: {
  body: Uint8Array;
  /** Trusted log verifier keys by origin. */
  logs: ReadonlyMap<string, NoteVerifier[]>;
  /** The latest cosigned checkpoint per origin. */
  state: ReadonlyMap<string, CosignedCheckpoint>;
  witness: NoteSigner;
  /** POSIX seconds. */
  now: number;
}): WitnessAnswer {
  const request = parseRequest(input.body);
  if (typeof request === "string") return text(400, request);

  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(parseNote(request.note).text);
  } catch (error) {
    return text(400, error instanceof NoteError ? error.message : "Malformed checkpoint.");
  }
  const trusted = input.logs.get(checkpoint.origin);
  if (!trusted) return text(404, "Unknown log origin.");

  let verified: string[];
  let noteText: string;
  try {
    const opened = openNote(request.note, trusted);
    noteText = opened.text;
    const lines = parseNote(request.note).signatures;
    // Keep the log signatures that verified (for the monitoring endpoint), nothing else.
    verified = opened.verified.map(
      (sig) => lines.find((line) => line.name === sig.name && line.keyId === sig.keyId)!.line,
    );
  } catch (error) {
    if (error instanceof NoteError && error.reason === "malformed") return text(400, error.message);
    return text(403, "The checkpoint carries no valid signature from a trusted key of this log.");
  }

  if (request.oldSize > checkpoint.size) return text(400, "The old size is larger than the checkpoint's size.");
  const latest = input.state.get(checkpoint.origin);
  const latestSize = latest?.size ?? 0;
  if (request.oldSize !== latestSize) {
    return { status: 409, contentType: "text/x.tlog.size", body: `${latestSize}\n` };
  }
  if (checkpoint.size === 0 && !equalBytes(checkpoint.root, emptyRoot())) {
    return text(422, "A checkpoint of size 0 must have the empty tree's root.");
  }
  if (request.oldSize === 0) {
    if (request.proof.length > 0) return text(422, "A consistency proof from size 0 must be empty.");
  } else {
    const oldRoot = fromBase64(latest!.root)!;
    if (request.oldSize === checkpoint.size && !equalBytes(oldRoot, checkpoint.root)) {
      return text(422, "Same size as the checkpoint cosigned before, but a different root: the log forked.");
    }
    const consistent = verifyConsistency({
      size1: request.oldSize,
      size2: checkpoint.size,
      root1: oldRoot,
      root2: checkpoint.root,
      proof: request.proof,
    });
    if (!consistent) return text(422, "The consistency proof does not verify.");
  }

  const cosignature = cosignCheckpoint(noteText, input.witness, input.now);
  const record: CosignedCheckpoint = {
    size: checkpoint.size,
    root: toBase64(checkpoint.root),
    note: `${noteText}\n${verified.map((line) => `${line}\n`).join("")}${cosignature}`,
  };
  return {
    status: 200,
    contentType: "text/plain; charset=utf-8",
    body: cosignature,
    cosigned: { origin: checkpoint.origin, record },
  };
}
