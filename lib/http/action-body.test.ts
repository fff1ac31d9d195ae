import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  hasMalformedPartHeader,
  lacksClosingBoundary,
  multipartBoundary,
  SERVER_ACTION_BODY_LIMIT_BYTES,
} from "./action-body";

const BOUNDARY = "----form1";
const body = (...names: string[]) =>
  new TextEncoder().encode(
    names.map((name) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\nvalue\r\n`).join("") +
      `--${BOUNDARY}--\r\n`,
  );

describe("hasMalformedPartHeader", () => {
  test("a form as browsers and React send it passes, UTF-8 names and escaped quotes included", () => {
    expect(hasMalformedPartHeader(body("_1_email", "0", "_1_naïve", "_1_a%22b", "_1_"), BOUNDARY)).toBe(false);
  });

  // Found by e2e/server-actions-fuzz.spec.ts: Next.js answered 500 ("Malformed part header").
  test("a field name with a NUL or another control character is malformed", () => {
    expect(hasMalformedPartHeader(body("_1_email", "_1_a\0b", "0"), BOUNDARY)).toBe(true);
    expect(hasMalformedPartHeader(body("_1_a\u0001b"), BOUNDARY)).toBe(true);
    expect(hasMalformedPartHeader(body("_1_a\u007fb"), BOUNDARY)).toBe(true);
  });

  test("a lone CR, a header without a name, or a header block over 16 KB is malformed", () => {
    expect(hasMalformedPartHeader(body("_1_a\rb"), BOUNDARY)).toBe(true);
    const noName = new TextEncoder().encode(`--${BOUNDARY}\r\n: x\r\n\r\nv\r\n--${BOUNDARY}--\r\n`);
    expect(hasMalformedPartHeader(noName, BOUNDARY)).toBe(true);
    expect(hasMalformedPartHeader(body(`_1_${"x".repeat(17_000)}`), BOUNDARY)).toBe(true);
  });

  test("a body without the boundary, or one cut off after a whole header, is left to the parser", () => {
    expect(hasMalformedPartHeader(new TextEncoder().encode("[]"), BOUNDARY)).toBe(false);
    const cut = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_1_a"\r\n\r\nval`;
    expect(hasMalformedPartHeader(new TextEncoder().encode(cut), BOUNDARY)).toBe(false);
  });
});

// Next.js answered 500 ("Unexpected end of form") for each of these; busboy ends a form only at
// its closing delimiter.
describe("lacksClosingBoundary", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const part = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="_1_a"\r\n\r\nvalue`;

  test("a whole form, with or without the final CRLF, a preamble or an epilogue, is complete", () => {
    expect(lacksClosingBoundary(body("_1_a", "0"), BOUNDARY)).toBe(false);
    expect(lacksClosingBoundary(encode(`${part}\r\n--${BOUNDARY}--`), BOUNDARY)).toBe(false);
    expect(lacksClosingBoundary(encode(`preamble\r\n${part}\r\n--${BOUNDARY}--\r\nepilogue`), BOUNDARY)).toBe(false);
    expect(lacksClosingBoundary(encode(`--${BOUNDARY}--`), BOUNDARY)).toBe(false);
  });

  test("a form cut off in a value, after a delimiter, in a header, or with no boundary at all lacks it", () => {
    expect(lacksClosingBoundary(encode(part), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(encode(`${part}\r\n--${BOUNDARY}`), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(encode(`${part}\r\n--${BOUNDARY}-`), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(encode(`${part}\r\n--${BOUNDARY}\r\n`), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(encode(`--${BOUNDARY}\r\nContent-Disposition: form-da`), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(encode("[]"), BOUNDARY)).toBe(true);
    expect(lacksClosingBoundary(new Uint8Array(), BOUNDARY)).toBe(true);
  });

  test("the closing delimiter counts only at the start of a line", () => {
    expect(lacksClosingBoundary(encode(`${part}x--${BOUNDARY}--`), BOUNDARY)).toBe(true);
  });
});

test("the proxy's action body limit is next.config.js's serverActions.bodySizeLimit", () => {
  // Next.js parses it with `bytes`, where 1 MB is 1024 × 1024 bytes.
  const config = readFileSync(new URL("../../next.config.js", import.meta.url), "utf8");
  const megabytes = Number(/serverActions: \{ bodySizeLimit: "(\d+)mb" \}/.exec(config)?.[1]);
  expect(megabytes * 1024 * 1024).toBe(SERVER_ACTION_BODY_LIMIT_BYTES);
});

test("multipartBoundary reads the boundary, quoted or not, of multipart/form-data only", () => {
  expect(multipartBoundary("multipart/form-data; boundary=----abc")).toBe("----abc");
  expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b"')).toBe("a b");
  expect(multipartBoundary("text/plain;charset=UTF-8")).toBeNull();
  expect(multipartBoundary(null)).toBeNull();
});
