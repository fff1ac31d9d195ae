import { randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { appendConsentEvents, type ConsentEventDraft } from "./append-consent-events";
import { GENESIS_HASH } from "./event-hash";
import { readConsentEvents } from "./read-consent-events";
import { verifySubjectChain } from "./verify-subject-chain";

let analyticsId: string;
let analyticsWording: { id: string; textSha256: string };
let privacyId: string;

beforeAll(async () => {
  ({ privacyId } = await seedCatalog());
  analyticsId = (await db().purpose.findUniqueOrThrow({ where: { key: "analytics" } })).id;
  analyticsWording = await db().purposeVersion.findFirstOrThrow({ where: { purposeId: analyticsId, version: 1 } });
});

function draft(action: "granted" | "withdrawn" = "granted"): ConsentEventDraft {
  return {
    action,
    purposeId: analyticsId,
    purposeVersionId: analyticsWording.id,
    purposeTextSha256: analyticsWording.textSha256,
    policyVersionId: privacyId,
    policyTextSha256: null,
    method: "api",
    actorType: "system",
    actorId: "test",
    actorReason: null,
    clientTime: null,
    ipTruncated: null,
    userAgentHash: null,
  };
}

/** One append of one event, as the consent functions do it. */
function appendOne(subjectId: string, key = randomUUID(), action: "granted" | "withdrawn" = "granted") {
  return appendConsentEvents({
    subjectId,
    idempotencyKey: key,
    requestFingerprint: `fingerprint-of-${action}`,
    decide: () => Promise.resolve([draft(action)]),
  });
}

/** Polls (bounded) until `check` holds. */
async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("appendConsentEvents", () => {
  it("chains a subject's events from the genesis hash and keeps the head and projection in step", async () => {
    const subject = await newSubject();
    const first = await appendOne(subject.id);
    const second = await appendOne(subject.id, undefined, "withdrawn");
    const events = await readConsentEvents({ subjectId: subject.id });
    expect(events.map((event) => [event.seq, event.action])).toEqual([
      [1, "granted"],
      [2, "withdrawn"],
    ]);
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(first.events[0]!.hash).toBe(events[0]!.hash);
    expect(second.subject).toMatchObject({ lastSeq: 2, lastHash: events[1]!.hash });
    const head = await db().subject.findUniqueOrThrow({ where: { id: subject.id } });
    expect([head.lastSeq, head.lastHash]).toEqual([2, events[1]!.hash]);
    const state = await db().consentState.findUniqueOrThrow({
      where: { subjectId_purposeId: { subjectId: subject.id, purposeId: analyticsId } },
    });
    expect(state).toMatchObject({ status: "withdrawn", seq: 2, eventId: events[1]!.id });
    expect(await verifySubjectChain(subject.id)).toMatchObject({ ok: true, events: 2, firstBroken: null });
  });

  it("keeps 50 concurrent appends to one subject contiguous: seq 1..50, chain valid", async () => {
    const subject = await newSubject();
    // Its pace is the bench's (`appends-hot-16`); here only the outcome counts.
    await Promise.all(
      Array.from({ length: 50 }, (_, index) => appendOne(subject.id, undefined, index % 2 ? "withdrawn" : "granted")),
    );
    const events = await readConsentEvents({ subjectId: subject.id });
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(await verifySubjectChain(subject.id)).toMatchObject({ ok: true, events: 50 });
  });

  it("does not make one subject's appends wait for another subject's", async () => {
    const [blocked, free] = [await newSubject(), await newSubject()];
    // Another session holds subject A's chain lock, as a long append would.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT id FROM "Subject" WHERE id = $1 FOR NO KEY UPDATE`, [blocked.id]);
      let blockedDone = false;
      const blockedAppend = appendOne(blocked.id).then((result) => {
        blockedDone = true;
        return result;
      });
      // A's append is now queued on the row lock...
      await waitFor(async () => {
        const rows = await holder.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        return rows.rows[0]!.waiting > 0;
      }, "the append for subject A to wait on its lock");
      // ...while B's goes straight through.
      const freeResult = await appendOne(free.id);
      expect(freeResult.events[0]!.seq).toBe(1);
      expect(blockedDone).toBe(false);
      await holder.query("COMMIT");
      expect((await blockedAppend).events[0]!.seq).toBe(1);
    } finally {
      await holder.end();
    }
  });

  it("returns the first result for a replayed key and body, without a second row", async () => {
    const subject = await newSubject();
    const key = randomUUID();
    const first = await appendOne(subject.id, key);
    const replay = await appendOne(subject.id, key);
    expect(first.replayed).toBe(false);
    expect(replay.replayed).toBe(true);
    expect(replay.events.map((event) => event.id)).toEqual(first.events.map((event) => event.id));
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it("refuses the same key with a different body (409 idempotency_conflict)", async () => {
    const subject = await newSubject();
    const key = randomUUID();
    await appendOne(subject.id, key, "granted");
    const error = await appendOne(subject.id, key, "withdrawn").catch((caught: unknown) => caught);
    expect(isAppError(error, "idempotency_conflict")).toBe(true);
    expect((error as { status: number }).status).toBe(409);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it("stays exactly-once under 20 concurrent replays of one key", async () => {
    const subject = await newSubject();
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => appendOne(subject.id, key)));
    const ids = new Set(results.map((result) => result.events[0]!.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it("backs idempotency with a unique index in the database", async () => {
    const subject = await newSubject();
    const [event] = (await appendOne(subject.id)).events;
    // A second row with the same (subject, key, purpose) is refused whatever code inserts it.
    const copy = { ...event!, id: randomUUID(), seq: 2, hash: "f".repeat(64) };
    const error = await db()
      .consentEvent.create({ data: copy })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "P2002" });
  });

  it("recovers when it loses the unique-index race: the retry returns the winner's row", async () => {
    const subject = await newSubject();
    const key = randomUUID();
    const winnerId = randomUUID();
    let decisions = 0;
    // While this append holds the lock, another session (which does not take it) commits a row
    // with the same key: the append's INSERT then hits the unique index, and the retry must
    // answer with that row instead of failing or writing a second one.
    const result = await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: key,
      requestFingerprint: "same-body",
      decide: async () => {
        decisions += 1;
        const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await other.connect();
        try {
          await other.query(
            `INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
               purpose_text_sha256, method, actor_type, server_time, idempotency_key, request_fingerprint, prev_hash, hash)
             VALUES ($1, $2, 1000, 2, 'granted', $3, $4, $5, 'api', 'system', now(), $6, 'same-body', $7, $8)`,
            [
              winnerId,
              subject.id,
              analyticsId,
              analyticsWording.id,
              analyticsWording.textSha256,
              key,
              GENESIS_HASH,
              "e".repeat(64),
            ],
          );
        } finally {
          await other.end();
        }
        return [draft()];
      },
    });
    expect(decisions).toBe(1);
    expect(result.replayed).toBe(true);
    expect(result.events.map((event) => event.id)).toEqual([winnerId]);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  /** Runs SQL from another session, as a concurrent request would (the portal role's own grants). */
  async function fromAnotherSession(sql: string, params: unknown[], options: { lockTimeout?: string } = {}) {
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      if (options.lockTimeout) await other.query(`SET lock_timeout = '${options.lockTimeout}'`);
      await other.query(sql, params);
    } finally {
      await other.end();
    }
  }

  it("decides again under the lock when another append moves the head between its read and its write", async () => {
    const subject = await newSubject();
    const seen: Array<{ lastSeq: number; purposes: string[] }> = [];
    const result = await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: randomUUID(),
      requestFingerprint: "late",
      decide: async ({ subject: read, state }) => {
        seen.push({ lastSeq: read.lastSeq, purposes: state.map((row) => `${row.purposeId}:${row.status}`) });
        // The first decision is overtaken: another request appends and commits before our write.
        if (seen.length === 1) await appendOne(subject.id, randomUUID(), "granted");
        return [draft("withdrawn")];
      },
    });
    // The stale decision wrote nothing; the second one saw the other append and followed it.
    expect(seen).toEqual([
      { lastSeq: 0, purposes: [] },
      { lastSeq: 1, purposes: [`${analyticsId}:granted`] },
    ]);
    expect(result.events.map((event) => event.seq)).toEqual([2]);
    const events = await readConsentEvents({ subjectId: subject.id });
    expect(events.map((event) => event.action)).toEqual(["granted", "withdrawn"]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(await verifySubjectChain(subject.id)).toMatchObject({ ok: true, events: 2, firstBroken: null });
    const state = await db().consentState.findMany({ where: { subjectId: subject.id } });
    expect(state.map((row) => [row.status, row.seq])).toEqual([["withdrawn", 2]]);
  });

  it("writes nothing for a subject erased between its read and its write", async () => {
    const subject = await newSubject();
    let decisions = 0;
    const error = await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: randomUUID(),
      requestFingerprint: "late",
      decide: async () => {
        decisions += 1;
        // Erasure marks the row without this append's head moving: the write's guard checks it too.
        await fromAnotherSession(`UPDATE "Subject" SET erased_at = now() WHERE id = $1`, [subject.id]);
        return [draft()];
      },
    }).catch((caught: unknown) => caught);
    expect(decisions).toBe(1);
    expect(isAppError(error, "subject_erased")).toBe(true);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(0);
    expect((await db().subject.findUniqueOrThrow({ where: { id: subject.id } })).lastSeq).toBe(0);
  });

  it("decides again when the address is verified between its read and its write (double opt-in)", async () => {
    const subject = await newSubject();
    await db().subject.update({ where: { id: subject.id }, data: { emailVerifiedAt: null } });
    const verified: boolean[] = [];
    await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: randomUUID(),
      requestFingerprint: "late",
      decide: async ({ subject: read }) => {
        verified.push(read.emailVerifiedAt !== null);
        if (verified.length === 1) {
          await fromAnotherSession(`UPDATE "Subject" SET email_verified_at = now() WHERE id = $1`, [subject.id]);
        }
        return [draft()];
      },
    });
    // A grant decided as "unverified" (recorded as requested) must not be written once it is verified.
    expect(verified).toEqual([false, true]);
    expect(await db().consentEvent.count({ where: { subjectId: subject.id } })).toBe(1);
  });

  it("takes the lock at once for a subject whose optimistic write just lost a race", async () => {
    const subject = await newSubject();
    let overtaken = false;
    await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: randomUUID(),
      requestFingerprint: "late",
      decide: async () => {
        if (!overtaken) {
          overtaken = true;
          await appendOne(subject.id, randomUUID(), "granted");
        }
        return [draft("withdrawn")];
      },
    });
    // The next decision on this subject runs with its row locked: another session cannot change
    // the row meanwhile (an optimistic decision, as in the erasure test above, does not block it).
    let change: unknown = "not tried";
    const result = await appendConsentEvents({
      subjectId: subject.id,
      idempotencyKey: randomUUID(),
      requestFingerprint: "next",
      decide: async () => {
        change = await fromAnotherSession(
          `UPDATE "Subject" SET email_verified_at = email_verified_at WHERE id = $1`,
          [subject.id],
          { lockTimeout: "200ms" },
        ).catch((caught: unknown) => caught);
        return [draft("granted")];
      },
    });
    expect(change).toMatchObject({ code: "55P03" });
    expect(result.events.map((event) => event.seq)).toEqual([3]);
  });

  it("refuses appends for an unknown subject", async () => {
    const error = await appendOne(randomUUID()).catch((caught: unknown) => caught);
    expect(isAppError(error, "not_found")).toBe(true);
  });
});
