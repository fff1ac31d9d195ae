import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, utf8 } from "@/lib/tlog/bytes";
import {
  generateSignerKey,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE,
  verifierKeyOf,
} from "@/lib/tlog/note";
import { type CosignedCheckpoint, reviewCheckpoint } from "./review-checkpoint";
import { readWitnessState, writeWitnessState } from "./witness-state";

/**
 * A C2SP tlog-witness (https://c2sp.org/tlog-witness) over plain Node http:
 * `POST /add-checkpoint` and the monitoring read `GET /<sha256 hex of origin>/checkpoint`.
 * One process, one key file, one state file; requests are reviewed one at a time so that
 * checking the old size and recording the new checkpoint are atomic (the spec's rollback race).
 */

const MAX_BODY_BYTES = 64 * 1024;

export interface WitnessOptions {
  port: number;
  host?: string;
  /** Holds the witness's signer key (`PRIVATE+KEY+…`, type 0x04); created on first run. */
  keyFile: string;
  /** Key name used when the key file is created. */
  name?: string;
  stateFile: string;
  /** `<origin> <log verifier key>` entries; an origin may be listed once per key. */
  logs: string[];
  /** POSIX seconds (tests). */
  now?: () => number;
}

export interface RunningWitness {
  url: string;
  /** The witness's verifier key (`<name>+<key ID>+<base64(0x04 || key)>`): give it to whoever checks receipts. */
  verifierKey: string;
  close(): Promise<void>;
}

/** Reads the witness key, creating it (mode 0600) on first run. */
async function loadOrCreateWitnessKey(
  keyFile: string,
  name: string,
): Promise<{ signer: NoteSigner; created: boolean }> {
  try {
    return { signer: parseSignerKey((await readFile(keyFile, "utf8")).trim()), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = generateSignerKey(name, SIGNATURE_TYPE.cosignatureV1);
  await writeFile(keyFile, `${key}\n`, { mode: 0o600, flag: "wx" });
  return { signer: parseSignerKey(key), created: true };
}

/** `<origin> <verifier key>` entries → trusted keys by origin. */
function parseTrustedLogs(entries: string[]): Map<string, NoteVerifier[]> {
  const logs = new Map<string, NoteVerifier[]>();
  for (const entry of entries) {
    const [origin, key, ...rest] = entry.trim().split(/\s+/);
    if (!origin || !key || rest.length > 0)
      throw new Error(`--log must be "<origin> <log verifier key>", got "${entry}"`);
    const verifier = parseVerifierKey(key);
    if (verifier.type !== SIGNATURE_TYPE.ed25519)
      throw new Error(`the log key for ${origin} must be an Ed25519 (0x01) key`);
    logs.set(origin, [...(logs.get(origin) ?? []), verifier]);
  }
  return logs;
}

async function readBody(request: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, contentType: string, body: string) {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  response.end(body);
}

export async function startWitness(options: WitnessOptions): Promise<RunningWitness> {
  const { signer } = await loadOrCreateWitnessKey(options.keyFile, options.name ?? "consent-portal.localhost/witness");
  const logs = parseTrustedLogs(options.logs);
  const state = await readWitnessState(options.stateFile);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const originByHash = (hash: string) => [...state.keys()].find((origin) => toHex(sha256(utf8(origin))) === hash);

  // One review at a time: the old-size check and the state write must not interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://witness").pathname;
    if (path === "/add-checkpoint") {
      if (request.method !== "POST") return send(response, 405, "text/plain; charset=utf-8", "Use POST.\n");
      const body = await readBody(request);
      if (!body) return send(response, 413, "text/plain; charset=utf-8", "Request too large.\n");
      const answer = await serialized(async () => {
        const result = reviewCheckpoint({ body, logs, state, witness: signer, now: now() });
        if (result.cosigned) {
          const next = new Map<string, CosignedCheckpoint>(state);
          next.set(result.cosigned.origin, result.cosigned.record);
          await writeWitnessState(options.stateFile, next);
          state.set(result.cosigned.origin, result.cosigned.record);
        }
        return result;
      });
      return send(response, answer.status, answer.contentType, answer.body);
    }
    const monitoring = /^\/([0-9a-f]{64})\/checkpoint$/.exec(path);
    if (monitoring && request.method === "GET") {
      const origin = originByHash(monitoring[1]!);
      const record = origin === undefined ? undefined : state.get(origin);
      if (!record) return send(response, 404, "text/plain; charset=utf-8", "No checkpoint cosigned for this log.\n");
      return send(response, 200, "text/plain; charset=utf-8", record.note);
    }
    return send(response, 404, "text/plain; charset=utf-8", "Not found.\n");
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", "The witness failed.\n");
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "localhost", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "localhost"}:${port}`,
    verifierKey: verifierKeyOf(signer),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
