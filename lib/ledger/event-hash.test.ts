import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import fc from "fast-check";
import { consentEventLeaf } from "@/lib/transparency/leaf-data";
import { describe, expect, it } from "vitest";
import {
  canonicalEventJson,
  ChainChecker,
  computeEventHash,
  fingerprintRequest,
  GENESIS_HASH,
  hashedEventObject,
  type HashedEventColumns,
} from "./event-hash";

function event(
  seq: number,
  prevHash: string,
  overrides: Partial<HashedEventColumns> = {},
): HashedEventColumns & { hash: string } {
  const columns: HashedEventColumns = {
    id: `00000000-0000-4000-8000-00000000000${seq}`,
    subjectId: "11111111-1111-4111-8111-111111111111",
    seq,
    hashVersion: 2,
    action: "granted",
    purposeId: "22222222-2222-4222-8222-222222222222",
    purposeVersionId: "44444444-4444-4444-8444-444444444444",
    purposeTextSha256: "c".repeat(64),
    policyVersionId: "33333333-3333-4333-8333-333333333333",
    policyTextSha256: "a".repeat(64),
    method: "portal",
    actorType: "self",
    actorId: null,
    actorReason: null,
    clientTime: null,
    serverTime: new Date("2026-11-23T10:00:00.000Z"),
    ipTruncated: "203.0.113.0",
    userAgentHash: null,
    idempotencyKey: "key-1",
    requestFingerprint: "b".repeat(64),
    prevHash,
    ...overrides,
  };
  return { ...columns, hash: computeEventHash(columns) };
}

function chain(length: number) {
  const events = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const next = event(seq, prev);
    events.push(next);
    prev = next.hash;
  }
  return events;
}

/** A format-1 event: written before purpose wording was versioned (no purpose version). */
const formatOne = { hashVersion: 1, purposeVersionId: null, purposeTextSha256: null };

describe("computeEventHash", () => {
  it("format 1 is sha256(prev_hash || RFC 8785 JSON) of the pre-version fields, unchanged", () => {
    const first = event(1, GENESIS_HASH, formatOne);
    const canonical =
      '{"action":"granted","actorId":null,"actorReason":null,"actorType":"self","clientTime":null,' +
      '"id":"00000000-0000-4000-8000-000000000001","idempotencyKey":"key-1","ipTruncated":"203.0.113.0",' +
      '"method":"portal","policyTextSha256":"' +
      "a".repeat(64) +
      '","policyVersionId":"33333333-3333-4333-8333-333333333333",' +
      '"purposeId":"22222222-2222-4222-8222-222222222222","requestFingerprint":"' +
      "b".repeat(64) +
      '",' +
      '"seq":1,"serverTime":"2026-11-23T10:00:00.000Z","subjectId":"11111111-1111-4111-8111-111111111111",' +
      '"userAgentHash":null,"v":1}';
    expect(first.hash).toBe(
      createHash("sha256")
        .update(GENESIS_HASH + canonical)
        .digest("hex"),
    );
  });

  it("format 2 adds the purpose version and its text hash to the hashed fields", () => {
    const first = event(1, GENESIS_HASH);
    const canonical =
      '{"action":"granted","actorId":null,"actorReason":null,"actorType":"self","clientTime":null,' +
      '"id":"00000000-0000-4000-8000-000000000001","idempotencyKey":"key-1","ipTruncated":"203.0.113.0",' +
      '"method":"portal","policyTextSha256":"' +
      "a".repeat(64) +
      '","policyVersionId":"33333333-3333-4333-8333-333333333333",' +
      '"purposeId":"22222222-2222-4222-8222-222222222222","purposeTextSha256":"' +
      "c".repeat(64) +
      '","purposeVersionId":"44444444-4444-4444-8444-444444444444","requestFingerprint":"' +
      "b".repeat(64) +
      '",' +
      '"seq":1,"serverTime":"2026-11-23T10:00:00.000Z","subjectId":"11111111-1111-4111-8111-111111111111",' +
      '"userAgentHash":null,"v":2}';
    expect(first.hash).toBe(
      createHash("sha256")
        .update(GENESIS_HASH + canonical)
        .digest("hex"),
    );
    expect(hashedEventObject(first)).toMatchObject({ v: 2, purposeTextSha256: "c".repeat(64) });
    expect(hashedEventObject(event(1, GENESIS_HASH, formatOne))).not.toHaveProperty("purposeVersionId");
  });

  it("changes with any field, including the previous hash and the purpose wording", () => {
    const base = event(1, GENESIS_HASH);
    expect(event(1, GENESIS_HASH, { method: "staff" }).hash).not.toBe(base.hash);
    expect(event(1, GENESIS_HASH, { serverTime: new Date("2026-11-23T10:00:00.001Z") }).hash).not.toBe(base.hash);
    expect(event(1, "1".repeat(64)).hash).not.toBe(base.hash);
    expect(event(1, GENESIS_HASH, { purposeTextSha256: "d".repeat(64) }).hash).not.toBe(base.hash);
    expect(event(1, GENESIS_HASH, { purposeVersionId: "55555555-5555-4555-8555-555555555555" }).hash).not.toBe(
      base.hash,
    );
  });

  it("refuses a format it does not know", () => {
    expect(() => event(1, GENESIS_HASH, { hashVersion: 3 })).toThrow("Unknown hash format 3");
  });
});

describe("fingerprintRequest", () => {
  it("ignores key order but not values", () => {
    expect(fingerprintRequest({ a: 1, b: [1, 2] })).toBe(fingerprintRequest({ b: [1, 2], a: 1 }));
    expect(fingerprintRequest({ a: 1, b: [2, 1] })).not.toBe(fingerprintRequest({ a: 1, b: [1, 2] }));
  });
});

describe("ChainChecker", () => {
  const finish = (
    events: ReturnType<typeof chain>,
    head = { lastSeq: events.length, lastHash: events.at(-1)?.hash ?? null },
  ) => {
    const checker = new ChainChecker(events[0]?.subjectId ?? "s");
    for (const item of events) checker.add(item);
    return checker.finish(head);
  };

  it("accepts a valid chain that ends at the recorded head", () => {
    expect(finish(chain(5))).toBeNull();
  });

  it("verifies a chain that mixes format-1 events and the format-2 events after them", () => {
    const older = event(1, GENESIS_HASH, formatOne);
    const newer = event(2, older.hash);
    expect(finish([older, newer])).toBeNull();
  });

  it("names a format-2 event whose wording was removed, or whose format was changed to 1", () => {
    const events = chain(3);
    events[1] = { ...events[1]!, purposeVersionId: null, purposeTextSha256: null };
    expect(finish(events)).toMatchObject({ seq: 2, reason: "hash_mismatch" });
    const downgraded = chain(3);
    downgraded[1] = { ...downgraded[1]!, ...formatOne };
    expect(finish(downgraded)).toMatchObject({ seq: 2, reason: "hash_mismatch" });
    const unknown = chain(3);
    unknown[0] = { ...unknown[0]!, hashVersion: 7 };
    expect(finish(unknown)).toMatchObject({ seq: 1, reason: "hash_mismatch", message: "unknown hash format 7" });
  });

  it("names the first edited event", () => {
    const events = chain(5);
    events[2] = { ...events[2]!, method: "staff" };
    expect(finish(events)).toMatchObject({ seq: 3, reason: "hash_mismatch" });
  });

  it("names a re-hashed edit by the next link", () => {
    const events = chain(5);
    const edited = { ...events[1]!, method: "staff" };
    events[1] = { ...edited, hash: computeEventHash(edited) };
    expect(finish(events)).toMatchObject({ seq: 3, reason: "prev_hash_mismatch" });
  });

  it("names gaps and tail deletions", () => {
    const events = chain(5);
    expect(finish([events[0]!, events[2]!, events[3]!], { lastSeq: 5, lastHash: events[4]!.hash })).toMatchObject({
      seq: 2,
      reason: "seq_gap",
    });
    expect(finish(events.slice(0, 3), { lastSeq: 5, lastHash: events[4]!.hash })).toMatchObject({
      seq: 4,
      reason: "missing_events",
    });
    expect(finish(events, { lastSeq: 5, lastHash: "0".repeat(64) })).toMatchObject({ seq: 5, reason: "head_mismatch" });
  });
});

describe("canonicalEventJson", () => {
  // Everything JSON escapes or that sorts oddly: controls, quotes, backslash, U+2028, lone
  // surrogates, astral characters, non-ASCII letters; plus fast-check's own full-Unicode strings.
  const tricky = fc.constantFrom(
    ..."abcXYZ019-_|=!' ",
    '"',
    "\\",
    "/",
    "\u0000",
    "\u0008",
    "\t",
    "\n",
    "\u001f",
    "\u007f",
    "\u2028",
    "\u2029",
    "é",
    "ß",
    "中",
    "\ud83d\ude00",
    "\ud800",
    "\udfff",
    "\ufeff",
  );
  const text = fc.oneof(
    fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join("")),
    fc.string({ unit: "binary", maxLength: 12 }),
  );
  const maybe = fc.option(text, { nil: null });
  const time = fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true });
  const columns: fc.Arbitrary<HashedEventColumns> = fc
    .record({
      id: text,
      subjectId: text,
      seq: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      hashVersion: fc.constantFrom(1, 2),
      action: text,
      purposeId: maybe,
      purposeVersionId: maybe,
      purposeTextSha256: maybe,
      policyVersionId: maybe,
      policyTextSha256: maybe,
      method: text,
      actorType: text,
      actorId: maybe,
      actorReason: maybe,
      clientTime: fc.option(time, { nil: null }),
      serverTime: time,
      ipTruncated: maybe,
      userAgentHash: maybe,
      idempotencyKey: text,
      requestFingerprint: text,
      prevHash: text,
    })
    // Format 1 has no purpose wording columns.
    .map((row) => (row.hashVersion === 1 ? { ...row, purposeVersionId: null, purposeTextSha256: null } : row));

  it("is byte-identical to the canonicalize package on any event of both formats (fast-check)", () => {
    fc.assert(
      fc.property(columns, (row) => {
        const expected = canonicalize(hashedEventObject(row));
        expect(canonicalEventJson(row)).toBe(expected);
        expect(computeEventHash(row)).toBe(
          createHash("sha256").update(row.prevHash, "utf8").update(expected!, "utf8").digest("hex"),
        );
      }),
      { numRuns: 5_000 },
    );
  });

  it("writes the log leaf as canonicalize writes it, around the encoder's JSON (fast-check)", () => {
    fc.assert(
      fc.property(columns, text, (row, hash) => {
        const expected = canonicalize({
          type: "consent_event",
          fields: hashedEventObject(row),
          prevHash: row.prevHash,
          hash,
        });
        expect(consentEventLeaf({ ...row, hash }).data).toBe(expected);
        expect(consentEventLeaf({ ...row, hash }, canonicalEventJson(row)).data).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses an unknown format as hashedEventObject does", () => {
    expect(() => canonicalEventJson({ ...event(1, GENESIS_HASH), hashVersion: 3 })).toThrow("Unknown hash format 3");
  });
});
