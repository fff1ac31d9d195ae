// What an insider with full database access (the tables' owner) can do to the evidence, and what
// the verifier reports for each (ADR 028's threat model). One database for the file: each test
// tampers with its own people and looks for its own finding by row or subject.
import { beforeAll, describe, expect, it } from "vitest";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { computeEventHash } from "@/lib/ledger/event-hash";
import { verifyLedger, type LedgerVerification } from "@/lib/ledger/verify-ledger";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { PERSON } from "@/test/actors";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { startTestWitnesses, type TestWitness } from "@/test/log-witnesses";
import { asOwner } from "@/test/owner-database";
import { integrateQueuedLeaves } from "./integrate-queued-leaves";
import { consentEventLeaf } from "./leaf-data";
import { requestCosignatures } from "./request-cosignatures";

let witnesses: TestWitness[];

beforeAll(async () => {
  witnesses = await startTestWitnesses(1);
  await seedCatalog();
  return () => Promise.all(witnesses.map((witness) => witness.stop()));
});

/** Integrates everything queued and has it witnessed, as the running portal does every second. */
async function logAndWitness() {
  while ((await integrateQueuedLeaves())?.integrated) {
    // until the queue is empty
  }
  const reports = await requestCosignatures();
  expect(reports.map((report) => report.outcome)).not.toContain("refused");
}

async function personWithHistory(label: string) {
  const subject = await newSignedUpSubject(label, ["terms", "analytics", "marketing-email"]);
  await withdrawConsent({ subjectId: subject.id, purposes: ["marketing-email"] }, PERSON);
  await logAndWitness();
  return {
    subject,
    events: await db().consentEvent.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } }),
  };
}

/** Runs SQL as the owner with the evidence tables' append-only triggers switched off. */
async function tamper(statements: Array<[string, unknown[]?]>) {
  const tables = ["ConsentEvent", "AccessLog", "LogLeaf", "LogCheckpoint", "LogCosignature"];
  await asOwner(async (owner) => {
    for (const table of tables) await owner.query(`ALTER TABLE "${table}" DISABLE TRIGGER "${table}_append_only"`);
    try {
      for (const [sql, params] of statements) await owner.query(sql, params ?? []);
    } finally {
      for (const table of tables)
        await owner.query(`ALTER TABLE "${table}" ENABLE ALWAYS TRIGGER "${table}_append_only"`);
    }
  });
}

const reasonsFor = (report: LedgerVerification, rowIds: string[]) =>
  report.log.problems
    .filter((problem) => problem.rowId && rowIds.includes(problem.rowId))
    .map((problem) => problem.reason);

describe("an insider with full database access", () => {
  it("leaves an intact, witnessed ledger verifying", async () => {
    await personWithHistory("intact");
    const report = await verifyLedger();
    expect(report.log.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.log.witnessedSize).toBe(report.log.size);
  });

  it("edits one row: detected as a row that differs from its log entry", async () => {
    const { events } = await personWithHistory("edited");
    await tamper([[`UPDATE "ConsentEvent" SET action = 'withdrawn' WHERE id = $1`, [events[1]!.id]]]);
    const report = await verifyLedger();
    expect(report.ok).toBe(false);
    expect(reasonsFor(report, [events[1]!.id])).toEqual(["leaf_mismatch"]);
  });

  it("edits a row before the sequencer has logged it: detected against the entry queued for it", async () => {
    await logAndWitness();
    const subject = await newSignedUpSubject("queued", ["terms", "analytics"]);
    const events = await db().consentEvent.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
    // Not integrated yet: counted as pending, and nothing is wrong with them.
    const waiting = await verifyLedger();
    expect(
      reasonsFor(
        waiting,
        events.map((event) => event.id),
      ),
    ).toEqual([]);
    expect(waiting.log.pending).toBeGreaterThanOrEqual(events.length);

    await tamper([[`UPDATE "ConsentEvent" SET action = 'withdrawn' WHERE id = $1`, [events[1]!.id]]]);
    const report = await verifyLedger();
    expect(report.ok).toBe(false);
    expect(reasonsFor(report, [events[1]!.id])).toEqual(["leaf_mismatch"]);
    expect(report.log.problems.find((problem) => problem.rowId === events[1]!.id)?.message).toContain(
      "differs from the entry queued for the log",
    );
  });

  it("rewrites a whole chain with recomputed hashes, back-dated: every rewritten row differs from the log", async () => {
    const { subject, events } = await personWithHistory("rewritten");
    const backdated = events.map((event) => ({
      ...event,
      serverTime: new Date(event.serverTime.getTime() - 400 * 86_400_000),
    }));
    let prevHash = "0".repeat(64);
    const statements: Array<[string, unknown[]]> = [];
    for (const event of backdated) {
      const hash = computeEventHash({ ...event, prevHash });
      statements.push([
        `UPDATE "ConsentEvent" SET server_time = $2, prev_hash = $3, hash = $4 WHERE id = $1`,
        [event.id, event.serverTime, prevHash, hash],
      ]);
      prevHash = hash;
    }
    statements.push([`UPDATE "Subject" SET last_hash = $2 WHERE id = $1`, [subject.id, prevHash]]);
    await tamper(statements);
    const report = await verifyLedger();
    // The chain itself verifies again: only the log can tell.
    expect(report.broken.map((link) => link.subjectId)).not.toContain(subject.id);
    expect(
      reasonsFor(
        report,
        events.map((event) => event.id),
      ),
    ).toEqual(events.map(() => "leaf_mismatch"));
  });

  it("inserts a forged event with plain INSERTs (no trigger touched): not in the log, and no receipt is signed for it", async () => {
    const { subject, events } = await personWithHistory("forged");
    const last = events.at(-1)!;
    const forged = {
      ...last,
      id: crypto.randomUUID(),
      seq: last.seq + 1,
      action: "granted" as const,
      idempotencyKey: "forged",
      prevHash: last.hash,
    };
    const hash = computeEventHash(forged);
    await asOwner(async (owner) => {
      await owner.query(
        `INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
           purpose_text_sha256, policy_version_id, policy_text_sha256, method, actor_type, server_time, idempotency_key,
           request_fingerprint, prev_hash, hash)
         SELECT $1, subject_id, $2, hash_version, 'granted', purpose_id, purpose_version_id, purpose_text_sha256,
           policy_version_id, policy_text_sha256, method, actor_type, server_time, 'forged', request_fingerprint, $5, $3
         FROM "ConsentEvent" WHERE id = $4`,
        [forged.id, forged.seq, hash, last.id, last.hash],
      );
      // As in the security review: the head moves too, so the chain alone is fooled.
      await owner.query(`UPDATE "Subject" SET last_seq = $2, last_hash = $3 WHERE id = $1`, [
        subject.id,
        forged.seq,
        hash,
      ]);
    });
    await expect(issueConsentReceipt(forged.id)).rejects.toMatchObject({ code: "conflict" });
    const report = await verifyLedger();
    expect(reasonsFor(report, [forged.id])).toEqual(["not_in_log"]);
    // The chain alone is fooled: the forged event links correctly to the last real one.
    expect(report.broken.map((link) => link.subjectId)).not.toContain(subject.id);
  });

  it("deletes a person with all their rows: the log still has their entries", async () => {
    const { subject, events } = await personWithHistory("deleted");
    await tamper([
      [`DELETE FROM "ConsentState" WHERE subject_id = $1`, [subject.id]],
      [`DELETE FROM "OutboxMessage" WHERE subject_id = $1`, [subject.id]],
      [`DELETE FROM "AccessLog" WHERE subject_id = $1`, [subject.id]],
      [`DELETE FROM "ConsentEvent" WHERE subject_id = $1`, [subject.id]],
      [`DELETE FROM "Subject" WHERE id = $1`, [subject.id]],
    ]);
    const report = await verifyLedger();
    const orphaned = report.log.problems.filter((problem) => problem.reason === "leaf_without_row");
    expect(orphaned.length).toBeGreaterThanOrEqual(events.length);
    const leaves = await db().logLeaf.findMany({ where: { rowId: { in: events.map((event) => event.id) } } });
    expect(orphaned.map((problem) => problem.logIndex)).toEqual(
      expect.arrayContaining(leaves.map((leaf) => Number(leaf.logIndex))),
    );
  });

  it("edits a person's ConsentState: the projection no longer equals a rebuild from the events", async () => {
    const { subject } = await personWithHistory("projection");
    await asOwner((owner) =>
      owner.query(`UPDATE "ConsentState" SET status = 'granted' WHERE subject_id = $1 AND status = 'withdrawn'`, [
        subject.id,
      ]),
    );
    const report = await verifyLedger();
    expect(report.projectionMismatches.map((mismatch) => mismatch.subjectId)).toContain(subject.id);
  });

  // The last two rewrite the log itself, so they run after every row-level case above.
  it("adds an event dated before a checkpoint the witnesses saw without it: detected as back-dated", async () => {
    const { subject, events } = await personWithHistory("backdated");
    const hour = 3_600_000;
    // The log has been running for two days and was last witnessed a day ago (times moved back).
    await tamper([
      [`UPDATE "LogCheckpoint" SET created_at = created_at - interval '2 days'`],
      [`UPDATE "LogCosignature" SET cosigned_at = cosigned_at - interval '1 day'`],
    ]);
    const last = events.at(-1)!;
    const forged = {
      ...last,
      id: crypto.randomUUID(),
      seq: last.seq + 1,
      action: "granted" as const,
      idempotencyKey: "backdated",
      serverTime: new Date(Date.now() - 30 * hour),
      prevHash: last.hash,
    };
    const hash = computeEventHash(forged);
    // Done properly, with its entry queued, so the row matches the log and the chain links.
    await asOwner(async (owner) => {
      await owner.query(
        `INSERT INTO "ConsentEvent" (id, subject_id, seq, hash_version, action, purpose_id, purpose_version_id,
           purpose_text_sha256, policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason,
           client_time, server_time, ip_truncated, user_agent_hash, idempotency_key, request_fingerprint, prev_hash, hash)
         SELECT $1, subject_id, $2, hash_version, 'granted', purpose_id, purpose_version_id, purpose_text_sha256,
           policy_version_id, policy_text_sha256, method, actor_type, actor_id, actor_reason, client_time, $3,
           ip_truncated, user_agent_hash, 'backdated', request_fingerprint, $4, $5
         FROM "ConsentEvent" WHERE id = $6`,
        [forged.id, forged.seq, forged.serverTime, last.hash, hash, last.id],
      );
      await owner.query(`UPDATE "Subject" SET last_seq = $2, last_hash = $3 WHERE id = $1`, [
        subject.id,
        forged.seq,
        hash,
      ]);
      const leaf = consentEventLeaf({ ...forged, hash });
      await owner.query(`INSERT INTO "LogQueue" (kind, row_id, data) VALUES ('consent_event', $1, $2)`, [
        forged.id,
        leaf.data,
      ]);
    });
    await logAndWitness();
    const report = await verifyLedger();
    expect(reasonsFor(report, [forged.id])).toEqual([]);
    const [leaf] = await db().logLeaf.findMany({ where: { rowId: forged.id } });
    expect(report.log.problems).toContainEqual(
      expect.objectContaining({ reason: "backdated", logIndex: Number(leaf!.logIndex) }),
    );
  });

  it("deletes entries from the middle of the log: detected as a gap, and the root no longer matches", async () => {
    const { events } = await personWithHistory("gap");
    const [leaf] = await db().logLeaf.findMany({ where: { rowId: events[0]!.id } });
    const index = Number(leaf!.logIndex);
    await tamper([[`DELETE FROM "LogLeaf" WHERE log_index = $1`, [index]]]);
    const report = await verifyLedger();
    expect(report.log.problems).toContainEqual(expect.objectContaining({ reason: "index_gap", logIndex: index }));
    expect(report.log.problems.map((problem) => problem.reason)).toContain("smaller_than_witnessed");
    expect(report.ok).toBe(false);
  });
});
