/** One run of a word diff: text both versions share, or text only the new (added) or old (removed) one has. */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/**
 * Above this many cells (old words × new words, after the shared start and end are set aside)
 * the middle is shown as removed then added, whole, rather than spending seconds and hundreds
 * of megabytes on a policy rewritten from top to bottom.
 */
const MAX_TABLE_CELLS = 4_000_000;

/** Words and the white space between them, so the parts join back into the exact texts. */
const tokenize = (text: string): string[] => text.match(/\s+|[^\s]+/g) ?? [];

/**
 * A word diff of two texts (ADR 036: no diff library is installed): the longest common
 * subsequence of their words and white space, after the common start and end. Joining the
 * `same` and `removed` parts gives `before`; joining `same` and `added` gives `after`.
 */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  for (const token of a.slice(0, start)) push("same", token);
  const oldMiddle = a.slice(start, endA);
  const newMiddle = b.slice(start, endB);
  for (const part of diffMiddle(oldMiddle, newMiddle)) push(part.kind, part.text);
  for (const token of a.slice(endA)) push("same", token);
  return parts;
}

function diffMiddle(a: string[], b: string[]): DiffPart[] {
  if (a.length === 0) return b.map((text) => ({ kind: "added", text }));
  if (b.length === 0) return a.map((text) => ({ kind: "removed", text }));
  if ((a.length + 1) * (b.length + 1) > MAX_TABLE_CELLS) {
    return [
      { kind: "removed", text: a.join("") },
      { kind: "added", text: b.join("") },
    ];
  }
  // lengths[i * width + j]: the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      parts.push({ kind: "same", text: a[i]! });
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      parts.push({ kind: "removed", text: a[i]! });
      i += 1;
    } else {
      parts.push({ kind: "added", text: b[j]! });
      j += 1;
    }
  }
  for (; i < a.length; i += 1) parts.push({ kind: "removed", text: a[i]! });
  for (; j < b.length; j += 1) parts.push({ kind: "added", text: b[j]! });
  return parts;
}
