import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { endlessBody } from "@/test/endless-body";
import { boundedBodyStream, MAX_JSON_DEPTH, parseJsonText, readBodyText, readJsonBody } from "./request-body";

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const failure = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(AppError);
  return failure as AppError;
}

describe("readBodyText", () => {
  it("stops reading a body that never ends at the limit, with a 413, and cancels the rest", async () => {
    const { stream, state } = endlessBody();
    const failure = await refusal(readBodyText(stream, 1_000_000));
    expect(failure.code).toBe("payload_too_large");
    expect(state.pulled).toBeLessThanOrEqual(1_000_000 + 64 * 1024);
    expect(state.cancelled).toBe(true);
  });

  it("reads a body up to the limit exactly, multi-byte characters split across chunks included", async () => {
    const text = "é".repeat(10);
    const bytes = new TextEncoder().encode(text);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 3) controller.enqueue(bytes.slice(offset, offset + 3));
        controller.close();
      },
    });
    expect(await readBodyText(stream, bytes.length)).toBe(text);
    expect(await readBodyText(null, 10)).toBe("");
  });

  it("refuses bad UTF-8 with a 400", async () => {
    const failure = await refusal(readBodyText(new Response(new Uint8Array([0x7b, 0xff, 0x7d])).body, 100));
    expect(failure.code).toBe("bad_request");
  });
});

describe("parseJsonText", () => {
  it(`parses JSON up to ${MAX_JSON_DEPTH} levels and refuses one more with a 400`, () => {
    expect(parseJsonText(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseJsonText(nested(MAX_JSON_DEPTH + 1))).toThrow(/nested more than 32 levels/);
  });

  it("refuses 100 000 levels before JSON.parse can recurse", () => {
    const deep = `{"a":${'{"a":'.repeat(100_000)}1${"}".repeat(100_001)}`;
    let failure: unknown;
    try {
      parseJsonText(deep);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe("bad_request");
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ note: `${"[".repeat(100)} \\" {{{ "quoted" ${"{".repeat(100)}` });
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });

  it("answers bad JSON with a 400", () => {
    expect(() => parseJsonText("{")).toThrow(AppError);
    expect(() => parseJsonText("")).toThrow(AppError);
  });
});

describe("readJsonBody", () => {
  it("refuses a declared Content-Length over the limit without reading", async () => {
    const { stream, state } = endlessBody();
    const request = new Request("http://portal.test/", {
      method: "POST",
      body: stream,
      headers: { "content-length": "5000000" },
      duplex: "half",
    } as RequestInit);
    const failure = await refusal(readJsonBody(request, { maxBytes: 1000 }));
    expect(failure.code).toBe("payload_too_large");
    expect(state.pulled).toBe(0);
  });

  it("reads a JSON request with no declared length (chunked) within the limit", async () => {
    const request = new Request("http://portal.test/", {
      method: "POST",
      body: new Response('{"a":[1,2]}').body,
      duplex: "half",
    } as RequestInit);
    expect(await readJsonBody(request, { maxBytes: 1000 })).toEqual({ a: [1, 2] });
  });
});

describe("boundedBodyStream", () => {
  const upload = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
    new Request("http://portal.test/upload", { method: "POST", body, headers, duplex: "half" } as RequestInit);

  it("streams an upload through unchanged, chunk by chunk", async () => {
    const chunks: string[] = [];
    for await (const chunk of boundedBodyStream(upload('{"a":1}\n{"b":2}\n'), 100)) {
      chunks.push(String(chunk));
    }
    expect(chunks.join("")).toBe('{"a":1}\n{"b":2}\n');
  });

  it("fails with a 413 once an endless upload passes the limit, having read little more than it", async () => {
    const { stream, state } = endlessBody();
    const reading = (async () => {
      for await (const _chunk of boundedBodyStream(upload(stream), 1_000_000)) {
        // an import reads line by line here
      }
    })();
    const failure = await refusal(reading);
    expect(failure.code).toBe("payload_too_large");
    expect(state.pulled).toBeLessThanOrEqual(1_000_000 + 4 * 64 * 1024);
  });

  it("refuses at once an upload whose Content-Length is over the limit", () => {
    expect(() => boundedBodyStream(upload("x".repeat(10), { "content-length": "2000000" }), 1_000_000)).toThrow(
      AppError,
    );
  });
});
