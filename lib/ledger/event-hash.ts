import { hash } from "node:crypto";
import canonicalize from "canonicalize";
import { sha256Hex } from "@/lib/crypto/sha256";

/** `prev_hash` of a subject's first event. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The hash formats the verifier knows (ADR 025). Format 1: events written before purpose
 * wording was versioned. Format 2 adds `purposeVersionId` and `purposeTextSha256`. The format is
 * stored on the row (`hash_version`) and is itself hashed (`v`), so changing it breaks the hash.
 */
const HASH_FORMAT_VERSIONS = [1, 2] as const;
type HashFormatVersion = (typeof HASH_FORMAT_VERSIONS)[number];

/** What new events are written with. */
export const CURRENT_HASH_FORMAT: HashFormatVersion = 2;

/** The stored columns of a ConsentEvent that its hash covers (everything but `hash` itself). */
export interface HashedEventColumns {
  id: string;
  subjectId: string;
  seq: number;
  /** Which of these fields the hash covers: see `hashedEventObject`. */
  hashVersion: number;
  action: string;
  purposeId: string | null;
  /** Format 2 only (null in format 1). */
  purposeVersionId: string | null;
  /** Format 2 only (null in format 1). */
  purposeTextSha256: string | null;
  policyVersionId: string | null;
  policyTextSha256: string | null;
  method: string;
  actorType: string;
  actorId: string | null;
  actorReason: string | null;
  clientTime: Date | null;
  serverTime: Date;
  ipTruncated: string | null;
  userAgentHash: string | null;
  idempotencyKey: string;
  requestFingerprint: string;
  prevHash: string;
}

/**
 * The JSON object whose RFC 8785 form is hashed: the one definition of an event's hashed fields
 * (the chain hash, and anything else that needs "the row's hashed fields", use it). Every field
 * of the format is present (null when empty) and times are ISO 8601 UTC with milliseconds —
 * exactly what timestamptz(3) stores — so anyone can recompute a hash from an export of the
 * table. `prevHash` is not in it: it is prepended to the canonical JSON.
 */
export function hashedEventObject(event: HashedEventColumns): Record<string, unknown> {
  const common = {
    id: event.id,
    subjectId: event.subjectId,
    seq: event.seq,
    action: event.action,
    purposeId: event.purposeId,
    policyVersionId: event.policyVersionId,
    policyTextSha256: event.policyTextSha256,
    method: event.method,
    actorType: event.actorType,
    actorId: event.actorId,
    actorReason: event.actorReason,
    clientTime: event.clientTime?.toISOString() ?? null,
    serverTime: event.serverTime.toISOString(),
    ipTruncated: event.ipTruncated,
    userAgentHash: event.userAgentHash,
    idempotencyKey: event.idempotencyKey,
    requestFingerprint: event.requestFingerprint,
  };
  switch (event.hashVersion) {
    case 1:
      return { v: 1, ...common };
    case 2:
      return {
        v: 2,
        ...common,
        purposeVersionId: event.purposeVersionId,
        purposeTextSha256: event.purposeTextSha256,
      };
    default:
      throw new Error(`Unknown hash format ${event.hashVersion}`);
  }
}

/** Printable ASCII but the quote and the backslash: what JSON writes as it is, between quotes (ids, hex, enums). */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * A string field as RFC 8785 writes it (JSON.stringify's escaping), or null. Nearly every field is
 * plain ASCII, which needs no escaping: quoting it directly is twice as fast as JSON.stringify,
 * and the verifier writes about fifteen per event.
 */
function jsonString(value: string | null): string {
  if (value === null) return "null";
  if (typeof value !== "string") throw new Error("Event field is neither a string nor null");
  return PLAIN_JSON_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
}

/**
 * `canonicalize(hashedEventObject(event))` without building the object or sorting its keys: the
 * fields are fixed, so their RFC 8785 order is written out (hashing is what bounds verification,
 * issue 15). Byte-identical to the `canonicalize` package: event-hash.test.ts checks it on
 * seeded random events of both formats.
 */
export function canonicalEventJson(event: HashedEventColumns): string {
  const version = event.hashVersion;
  if ((version !== 1 && version !== 2) || !Number.isFinite(event.seq)) {
    // Unknown formats and impossible numbers get the general path (and its errors).
    const canonical = canonicalize(hashedEventObject(event));
    if (canonical === undefined) throw new Error("Event cannot be canonicalized");
    return canonical;
  }
  const clientTime = event.clientTime ? `"${event.clientTime.toISOString()}"` : "null";
  const wording =
    version === 2
      ? `,"purposeTextSha256":${jsonString(event.purposeTextSha256)},"purposeVersionId":${jsonString(event.purposeVersionId)}`
      : "";
  return (
    `{"action":${jsonString(event.action)},"actorId":${jsonString(event.actorId)},` +
    `"actorReason":${jsonString(event.actorReason)},"actorType":${jsonString(event.actorType)},` +
    `"clientTime":${clientTime},"id":${jsonString(event.id)},"idempotencyKey":${jsonString(event.idempotencyKey)},` +
    `"ipTruncated":${jsonString(event.ipTruncated)},"method":${jsonString(event.method)},` +
    `"policyTextSha256":${jsonString(event.policyTextSha256)},"policyVersionId":${jsonString(event.policyVersionId)},` +
    `"purposeId":${jsonString(event.purposeId)}${wording},"requestFingerprint":${jsonString(event.requestFingerprint)},` +
    `"seq":${JSON.stringify(event.seq)},"serverTime":"${event.serverTime.toISOString()}",` +
    `"subjectId":${jsonString(event.subjectId)},"userAgentHash":${jsonString(event.userAgentHash)},"v":${version}}`
  );
}

/** hash = sha256(prev_hash || RFC 8785 canonical JSON of `hashedEventObject(event)`), hex. */
export function computeEventHash(event: HashedEventColumns, fieldsJson?: string): string {
  // One-shot over the joined text: no hasher object per event (the verifier's hot loop).
  return hash("sha256", event.prevHash + (fieldsJson ?? canonicalEventJson(event)), "hex");
}

/** Fingerprint of a request body: same body, same fingerprint, whatever the key order. */
export function fingerprintRequest(body: unknown): string {
  const canonical = canonicalize(body);
  if (canonical === undefined) throw new Error("Request body cannot be canonicalized");
  return sha256Hex(canonical);
}

export type ChainBreakReason = "seq_gap" | "prev_hash_mismatch" | "hash_mismatch" | "head_mismatch" | "missing_events";

/** The first place a subject's chain stops being valid. */
export interface ChainBreak {
  subjectId: string;
  /** The first sequence number that does not verify. */
  seq: number;
  reason: ChainBreakReason;
  message: string;
}

export interface ChainHead {
  lastSeq: number;
  lastHash: string | null;
}

/**
 * Incremental verifier for one subject's chain: feed events in `seq` order, then `finish` with
 * the subject's recorded head (which catches events deleted from the end of the chain).
 */
export class ChainChecker {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private broken: ChainBreak | null = null;
  count = 0;

  constructor(readonly subjectId: string) {}

  get firstBreak(): ChainBreak | null {
    return this.broken;
  }

  private fail(seq: number, reason: ChainBreakReason, message: string) {
    this.broken ??= { subjectId: this.subjectId, seq, reason, message };
  }

  /** `fieldsJson`: the event's `canonicalEventJson`, when the caller needs it too (the log leaf). */
  add(event: HashedEventColumns & { hash: string }, fieldsJson?: string): void {
    this.count += 1;
    if (this.broken) return;
    if (event.seq !== this.expectedSeq) {
      this.fail(this.expectedSeq, "seq_gap", `expected seq ${this.expectedSeq}, found ${event.seq}`);
      return;
    }
    if (event.prevHash !== this.prevHash) {
      this.fail(event.seq, "prev_hash_mismatch", `prev_hash does not match the hash of seq ${event.seq - 1}`);
      return;
    }
    if (!(HASH_FORMAT_VERSIONS as readonly number[]).includes(event.hashVersion)) {
      this.fail(event.seq, "hash_mismatch", `unknown hash format ${event.hashVersion}`);
      return;
    }
    if (computeEventHash(event, fieldsJson) !== event.hash) {
      this.fail(event.seq, "hash_mismatch", `stored hash does not match the event's contents`);
      return;
    }
    this.prevHash = event.hash;
    this.expectedSeq += 1;
  }

  /** Where the chain ends: its last seq and hash, or null when it broke before. */
  end(): ChainHead | null {
    return this.broken ? null : { lastSeq: this.expectedSeq - 1, lastHash: this.prevHash };
  }

  finish(head: ChainHead): ChainBreak | null {
    const end = this.end();
    if (end) this.broken = headBreak(this.subjectId, end, head);
    return this.broken;
  }
}

/**
 * The recorded head against the chain's end (which catches events deleted from the end of the
 * chain): the first broken seq, or null when they agree.
 */
export function headBreak(subjectId: string, end: ChainHead, head: ChainHead): ChainBreak | null {
  const { lastSeq } = end;
  if (head.lastSeq > lastSeq) {
    return {
      subjectId,
      seq: lastSeq + 1,
      reason: "missing_events",
      message: `the subject's head is at seq ${head.lastSeq} but the chain ends at ${lastSeq}`,
    };
  }
  if (head.lastSeq !== lastSeq || (lastSeq > 0 && head.lastHash !== end.lastHash)) {
    return {
      subjectId,
      seq: Math.max(lastSeq, 1),
      reason: "head_mismatch",
      message: `the subject's recorded head does not match the chain's last event`,
    };
  }
  return null;
}
