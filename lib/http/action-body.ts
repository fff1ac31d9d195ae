// Next.js parses a server action's multipart body with busboy and answers 500 when busboy refuses
// it: a part's header with a field name holding a NUL or another control character (browsers escape
// only `"`, CR and LF in names), a header block over 16 KB, or a body that ends before its closing
// boundary ("Unexpected end of form"). A body over the action limit is a 500 too (Next's 413 is
// thrown inside the render). Those are the client's mistakes: the proxy answers 400 or 413 before
// Next.js sees them. The rules are busboy's (next/dist/compiled/busboy).

/**
 * `experimental.serverActions.bodySizeLimit` in next.config.js ("2mb", parsed with `bytes`:
 * 1 MB = 1024 × 1024 bytes); action-body.test.ts checks that the two agree.
 */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

const MAX_HEADER_BYTES = 16_384;
const CRLF = [13, 10];

/** RFC 7230 `token` characters: what busboy accepts in a header name. */
function isTokenByte(byte: number): boolean {
  return byte > 32 && byte < 127 && !'"(),/:;<=>?@[\\]{}'.includes(String.fromCharCode(byte));
}

/** What busboy accepts in a header value: HTAB, visible ASCII, space, and any byte from 0x80. */
function isValueByte(byte: number): boolean {
  return byte === 9 || (byte >= 32 && byte !== 127);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let index = from; index <= haystack.length - needle.length; index += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) {
      if (haystack[index + offset] !== needle[offset]) continue outer;
    }
    return index;
  }
  return -1;
}

/** Whether one part's header block (the bytes before its blank line) is one busboy accepts. */
function validHeaderBlock(block: Uint8Array): boolean {
  if (block.length > MAX_HEADER_BYTES) return false;
  let index = 0;
  while (index < block.length) {
    // A line: a token, ':', then value bytes up to CRLF; a line starting with SP/HTAB continues the value.
    const continued = block[index] === 32 || block[index] === 9;
    if (!continued) {
      const start = index;
      while (index < block.length && isTokenByte(block[index]!)) index += 1;
      if (index === start || block[index] !== 58) return false;
      index += 1;
    }
    while (index < block.length && block[index] !== 13) {
      if (!isValueByte(block[index]!)) return false;
      index += 1;
    }
    if (index < block.length) {
      if (block[index + 1] !== 10) return false;
      index += 2;
    }
  }
  return true;
}

/**
 * Whether a multipart body has a part header busboy would refuse (Next.js would answer 500).
 * Only the headers are checked; the values of the fields are the schema's business.
 */
export function hasMalformedPartHeader(body: Uint8Array, boundary: string): boolean {
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  // The first delimiter may open the body without the CRLF before it.
  const text = new Uint8Array(body.length + 2);
  text.set(CRLF, 0);
  text.set(body, 2);
  let index = indexOf(text, delimiter, 0);
  if (index === -1) return false;
  for (;;) {
    index += delimiter.length;
    if (text[index] === 45 && text[index + 1] === 45) return false; // "--": the closing delimiter
    const lineEnd = indexOf(text, Uint8Array.from(CRLF), index);
    if (lineEnd === -1) return false; // truncated: busboy says so itself
    const headersEnd = indexOf(text, Uint8Array.from([...CRLF, ...CRLF]), lineEnd);
    const block = text.subarray(lineEnd + 2, headersEnd === -1 ? text.length : headersEnd);
    if (!validHeaderBlock(block)) return true;
    if (headersEnd === -1) return false;
    index = indexOf(text, delimiter, headersEnd + 4);
    if (index === -1) return false;
  }
}

/**
 * Whether a multipart body ends before its closing delimiter (`--boundary--` at the start or after
 * CRLF): busboy ends a form only there, and anything short of it is "Unexpected end of form".
 */
export function lacksClosingBoundary(body: Uint8Array, boundary: string): boolean {
  const closing = new TextEncoder().encode(`\r\n--${boundary}--`);
  const text = new Uint8Array(body.length + 2);
  text.set(CRLF, 0);
  text.set(body, 2);
  return indexOf(text, closing, 0) === -1;
}

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}
