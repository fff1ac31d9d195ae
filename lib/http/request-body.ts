import { pipeline, Readable, Transform } from "node:stream";
import { AppError } from "@/lib/errors";

/** Nesting deeper than this is refused: no body the portal takes comes near it. */
export const MAX_JSON_DEPTH = 32;

/**
 * A request body as text, read chunk by chunk and cut off once it passes `maxBytes` (413): a
 * declared Content-Length is not trusted, and a chunked body is never buffered past the limit.
 * The rest of the stream is cancelled, not drained. Bad UTF-8 is a 400, not replacement characters.
 */
export async function readBodyText(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("payload_too_large", "The request body is too large.", { errorCode: "payload_too_large" });
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError("bad_request", "The request body is not valid UTF-8.", { errorCode: "invalid_body" });
  }
}

/**
 * `JSON.parse`, after a scan that refuses nesting deeper than `maxDepth` (400): parsing,
 * validating and logging a body all recurse, and a body 100 000 levels deep overflowed the stack.
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index += 1;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) {
        throw new AppError("bad_request", `The JSON is nested more than ${maxDepth} levels deep.`, {
          errorCode: "invalid_body",
        });
      }
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth -= 1;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.", { errorCode: "invalid_body" });
  }
}

/** A JSON request body, bounded in size and depth: the one way a route handler reads JSON. */
export async function readJsonBody(
  request: Request,
  options: { maxBytes: number; maxDepth?: number },
): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > options.maxBytes) {
    throw new AppError("payload_too_large", "The request body is too large.", { errorCode: "payload_too_large" });
  }
  return parseJsonText(await readBodyText(request.body, options.maxBytes), options.maxDepth);
}

/**
 * A streamed request body (an upload read line by line, never whole) as a Node stream that fails
 * with 413 once more than `maxBytes` have come in. Chunked bodies are counted as they arrive.
 */
export function boundedBodyStream(request: Request, maxBytes: number): Readable {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    throw new AppError("payload_too_large", "The request body is too large.", { errorCode: "payload_too_large" });
  }
  if (!request.body) return Readable.from([]);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        callback(
          new AppError("payload_too_large", "The request body is too large.", { errorCode: "payload_too_large" }),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  // An error on either side (the client went away, the limit) reaches the reader of `counter`.
  return pipeline(source, counter, () => undefined);
}
