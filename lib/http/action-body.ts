// Next.js parses a server action's multipart body with busboy and answers 500 when busboy refuses
// a part's header: a field name holding a NUL or another control character (browsers escape only
// `"`, CR and LF in names), or a header block over 16 KB. That is the client's mistake: the proxy
// answers 400 before Next.js sees it. The rules are busboy's HeaderParser's (next/dist/compiled/busboy).

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

/** The boundary of a `multipart/form-data` content type, or null. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]!) : null;
}
