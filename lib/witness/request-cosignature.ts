import { sha256 } from "@noble/hashes/sha2.js";
import { toBase64, toHex, utf8 } from "@/lib/tlog/bytes";
import { verifyCosignatures } from "@/lib/tlog/cosignature";
import type { Hash } from "@/lib/tlog/merkle";
import { NoteError, parseNote } from "@/lib/tlog/note";

/**
 * Client side of C2SP tlog-witness: ask a witness to cosign a checkpoint (`add-checkpoint`), and
 * read back the latest checkpoint it cosigned (the monitoring endpoint), which is how a verifier
 * learns the witnessed tree without trusting our database.
 */

export type AddCheckpointResult =
  { ok: true; cosignature: string } | { ok: false; status: number; knownSize?: number; message: string };

const DEFAULT_TIMEOUT_MS = 10_000;

const endpoint = (witnessUrl: string, path: string) =>
  new URL(path, witnessUrl.endsWith("/") ? witnessUrl : `${witnessUrl}/`);

/**
 * POSTs `old <size>`, the consistency proof and the signed checkpoint. On 200 returns the
 * cosignature line(s); with `witnessKey`, only the line that verifies under that key (a 200
 * without one is a failure). A 409 carries the size the witness last cosigned (`knownSize`).
 */
export async function addCheckpoint(
  witnessUrl: string,
  request: { oldSize: number; consistencyProof: Hash[]; signedCheckpoint: string },
  options: { witnessKey?: string; timeoutMs?: number } = {},
): Promise<AddCheckpointResult> {
  const body = [`old ${request.oldSize}`, ...request.consistencyProof.map(toBase64), "", request.signedCheckpoint].join(
    "\n",
  );
  let response: Response;
  try {
    response = await fetch(endpoint(witnessUrl, "add-checkpoint"), {
      method: "POST",
      body,
      headers: { "content-type": "text/plain; charset=utf-8" },
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, status: 0, message: `The witness could not be reached (${(error as Error).name}).` };
  }
  const text = await response.text();
  if (response.status === 409 && response.headers.get("content-type")?.startsWith("text/x.tlog.size")) {
    const size = /^(0|[1-9][0-9]*)\n$/.exec(text);
    return {
      ok: false,
      status: 409,
      ...(size ? { knownSize: Number(size[1]) } : {}),
      message: "The witness last cosigned another tree size.",
    };
  }
  if (response.status !== 200) return { ok: false, status: response.status, message: text.trim().slice(0, 200) };
  if (!/^(— \S+ \S+\n)+$/.test(text))
    return { ok: false, status: 200, message: "The witness answered without signature lines." };
  if (!options.witnessKey) return { ok: true, cosignature: text };
  try {
    const { cosigned } = verifyCosignatures(request.signedCheckpoint + text, [options.witnessKey]);
    const line = parseNote(request.signedCheckpoint + text).signatures.find(
      (sig) => sig.name === cosigned[0]?.name && sig.keyId === cosigned[0]?.keyId,
    );
    if (!line)
      return { ok: false, status: 200, message: "The witness's answer carries no valid cosignature by its key." };
    return { ok: true, cosignature: `${line.line}\n` };
  } catch (error) {
    return {
      ok: false,
      status: 200,
      message: error instanceof NoteError ? error.message : "The witness's answer is malformed.",
    };
  }
}

/** The latest checkpoint the witness cosigned for `origin` (the note as it serves it), or null if none. */
export async function fetchWitnessedCheckpoint(
  witnessUrl: string,
  origin: string,
  options: { timeoutMs?: number } = {},
): Promise<string | null> {
  const response = await fetch(endpoint(witnessUrl, `${toHex(sha256(utf8(origin)))}/checkpoint`), {
    signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`The witness answered ${response.status} for its checkpoint.`);
  return response.text();
}
