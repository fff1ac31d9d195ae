import { hash, randomBytes } from "node:crypto";
import type { ConsentState } from "@/lib/generated/prisma/client";
import { headBreak, type ChainBreak, type ChainHead } from "./event-hash";
import { grown, UuidIndex } from "./uuid-index";

/** The ConsentState columns a rebuild must reproduce. */
export type ProjectedState = Pick<ConsentState, "purposeId" | "status" | "policyVersionId" | "eventId" | "seq">;

const HAS_CHAIN_END = 1;
const HEAD_SEEN = 2;

/**
 * What the events pass learned of each subject, for the checks that then read the Subject and
 * ConsentState tables in their physical order (ADR 048): a subject's rows in either table are
 * scattered over the heap, so reading them beside each batch of events, by id range, cost a page
 * read per row, more than the events themselves.
 *
 * Per subject: where its chain ends (unless it broke: that is reported already), and its rebuilt
 * projection as a sum of row digests, beside the sum of the stored rows' digests. A digest is the
 * first 128 bits of SHA-256 over a per-run secret and the row's columns; summed per 32-bit lane,
 * the sums are equal when the rows are, in any order. The secret keeps an insider from crafting
 * rows whose digests sum to the rebuilt ones. About 100 bytes per subject.
 */
export class SubjectTable extends UuidIndex {
  private lastSeq: Int32Array;
  /** The chain's last hash, 64 hex digits as 8 words. */
  private lastHash: Uint32Array;
  private flags: Uint8Array;
  private rebuilt: Uint32Array;
  private stored: Uint32Array;
  private readonly secret = randomBytes(16).toString("hex");
  private readonly scratch = new Uint32Array(8);

  constructor(expected: number) {
    super(expected);
    this.lastSeq = new Int32Array(this.capacity);
    this.lastHash = new Uint32Array(this.capacity * 8);
    this.flags = new Uint8Array(this.capacity);
    this.rebuilt = new Uint32Array(this.capacity * 4);
    this.stored = new Uint32Array(this.capacity * 4);
  }

  /** A subject whose events were all read: its chain's end (null when it broke) and rebuilt rows. */
  addSubject(subjectId: string, end: ChainHead | null, projection: Iterable<ProjectedState>): boolean {
    const entry = this.insert(subjectId);
    if (entry < 0) return false;
    if (end) {
      // The chain's own hashes, computed here: always 64 lower-case hex digits.
      if (!hexWords(end.lastHash ?? "", this.lastHash, entry * 8)) throw new Error("a chain ends in no hash");
      this.lastSeq[entry] = end.lastSeq;
      this.flags[entry] = HAS_CHAIN_END;
    }
    for (const row of projection) this.addDigest(this.rebuilt, entry, row);
    return true;
  }

  /**
   * A Subject row's recorded head against its chain's end: the break, or null. `undefined` when
   * the subject has no events at all (the caller checks that its head says so).
   */
  checkHead(subjectId: string, head: ChainHead): ChainBreak | null | undefined {
    const entry = this.entryOf(subjectId);
    if (entry < 0) return undefined;
    const flags = this.flags[entry]!;
    this.flags[entry] = flags | HEAD_SEEN;
    if ((flags & HAS_CHAIN_END) === 0) return null; // broken: reported by the chain's check
    const lastSeq = this.lastSeq[entry]!;
    // The common case compares words; the chain's hash is written out only for a report.
    if (head.lastSeq === lastSeq && hexWords(head.lastHash ?? "", this.scratch, 0)) {
      let same = true;
      for (let word = 0; word < 8; word += 1) same &&= this.scratch[word] === this.lastHash[entry * 8 + word];
      if (same) return null;
    }
    return headBreak(subjectId, { lastSeq, lastHash: this.hashOf(entry) }, head);
  }

  /** Subjects with events whose Subject row was never seen: a head of nothing, which they contradict. */
  *headsMissing(): Generator<ChainBreak> {
    for (let entry = 0; entry < this.size; entry += 1) {
      if ((this.flags[entry]! & (HAS_CHAIN_END | HEAD_SEEN)) !== HAS_CHAIN_END) continue;
      const end = { lastSeq: this.lastSeq[entry]!, lastHash: this.hashOf(entry) };
      yield headBreak(this.idOf(entry), end, { lastSeq: 0, lastHash: null })!;
    }
  }

  /** A stored ConsentState row; false when its subject has no events (the row cannot come from them). */
  addStoredState(subjectId: string, row: ProjectedState): boolean {
    const entry = this.entryOf(subjectId);
    if (entry < 0) return false;
    this.addDigest(this.stored, entry, row);
    return true;
  }

  /** Subjects whose stored ConsentState rows differ from the rebuild, in the order they were added. */
  *projectionMismatches(): Generator<string> {
    const { rebuilt, stored } = this;
    for (let at = 0; at < this.size * 4; at += 4) {
      if (
        rebuilt[at] !== stored[at] ||
        rebuilt[at + 1] !== stored[at + 1] ||
        rebuilt[at + 2] !== stored[at + 2] ||
        rebuilt[at + 3] !== stored[at + 3]
      ) {
        yield this.idOf(at / 4);
      }
    }
  }

  private addDigest(sums: Uint32Array, entry: number, row: ProjectedState) {
    // NUL cannot occur in any of these columns, so it marks a null and separates them.
    const digest = hash(
      "sha256",
      `${this.secret}\0${row.purposeId}\0${row.status}\0${row.policyVersionId ?? "\0"}\0${row.eventId}\0${row.seq}`,
      "buffer",
    );
    const at = entry * 4;
    for (let word = 0; word < 4; word += 1) sums[at + word] = (sums[at + word]! + digest.readUInt32BE(word * 4)) >>> 0;
  }

  private hashOf(entry: number): string {
    let hex = "";
    for (let word = 0; word < 8; word += 1) hex += this.lastHash[entry * 8 + word]!.toString(16).padStart(8, "0");
    return hex;
  }

  protected resize(capacity: number) {
    this.lastSeq = grown(this.lastSeq, capacity);
    this.lastHash = grown(this.lastHash, capacity * 8);
    this.flags = grown(this.flags, capacity);
    this.rebuilt = grown(this.rebuilt, capacity * 4);
    this.stored = grown(this.stored, capacity * 4);
  }
}

/** 64 lower-case hex digits (as the chain's hashes are written) into 8 words at `at`; false otherwise. */
function hexWords(hex: string, out: Uint32Array, at: number): boolean {
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  for (let word = 0; word < 8; word += 1) out[at + word] = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
  return true;
}
