import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { tamperWithLedger } from "@/test/tamper-with-ledger";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { computeEventHash } from "./event-hash";
import { readConsentEvents } from "./read-consent-events";
import { eventsInWorkers } from "./verify-events-in-workers";
import { readLastLedgerVerification, verifyLedger } from "./verify-ledger";
import { verifySubjectChain } from "./verify-subject-chain";
import { PERSON } from "@/test/actors";

let policies: { termsId: string; privacyId: string };

beforeAll(async () => {
  policies = await seedCatalog();
});

/** A subject with a few decisions: seq 1 (terms), 2 (analytics), 3 (withdraw analytics). */
async function subjectWithHistory() {
  const subject = await newSubject();
  await grantConsent(
    {
      subjectId: subject.id,
      purposes: ["terms"],
      policyVersionIds: [policies.termsId],
      method: "signup",
    },
    PERSON,
  );
  await grantConsent(
    {
      subjectId: subject.id,
      purposes: ["analytics"],
      policyVersionIds: [policies.privacyId],
      method: "portal",
    },
    PERSON,
  );
  await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"] }, PERSON);
  return subject;
}

function runCli(...args: string[]) {
  const result = spawnSync(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "scripts/ledger-verify.ts", ...args],
    {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// One file, one database: the tests run in order, from an intact ledger to a tampered one.
describe("ledger verification", () => {
  let edited: Awaited<ReturnType<typeof subjectWithHistory>>;
  let truncated: Awaited<ReturnType<typeof subjectWithHistory>>;
  let intact: Awaited<ReturnType<typeof subjectWithHistory>>;
  let gapped: Awaited<ReturnType<typeof subjectWithHistory>>;

  it("verifies an intact ledger, and `npm run ledger:verify` exits 0", async () => {
    [edited, truncated, intact] = [await subjectWithHistory(), await subjectWithHistory(), await subjectWithHistory()];
    const report = await verifyLedger();
    expect(report).toMatchObject({ ok: true, firstBroken: null, broken: [] });
    expect(report.events).toBe(9);
    expect(report.subjects).toBe(3);
    // Batches of 1 to 4 events: subjects straddle a batch's edge, or end exactly on it.
    for (const batchSize of [1, 2, 3, 4]) {
      expect(await verifyLedger({ batchSize }), `batches of ${batchSize}`).toMatchObject({
        ok: true,
        events: 9,
        subjects: 3,
        projectionMismatches: [],
      });
    }
    // Spread over worker threads, each over its own range of subjects (ADR 053).
    for (const workers of [2, 3]) {
      expect(
        await verifyLedger({ readEvents: eventsInWorkers(workers), batchSize: 2 }),
        `${workers} workers`,
      ).toMatchObject({
        ok: true,
        events: 9,
        subjects: 3,
        projectionMismatches: [],
      });
    }
    const cli = runCli();
    expect(cli.output).toContain("✔ Every chain verifies.");
    // By default, workers only for a ledger of 100,000 events or more.
    expect(cli.output).toMatch(/Verified 9 events of 3 subjects in \d+ ms \(\d+ events\/s\)/);
    expect(cli.status).toBe(0);
    const cliInWorkers = runCli("--workers", "2");
    expect(cliInWorkers.output).toMatch(
      /Verified 9 events of 3 subjects in \d+ ms \(\d+ events\/s, 2 worker threads\)/,
    );
    expect(cliInWorkers.status).toBe(0);
    const badFlag = runCli("--workers", "many");
    expect(badFlag.output).toContain('--workers takes a whole number from 1 to 64, not "many"');
    expect(badFlag.status).toBe(2);
  });

  it("names the subject and seq of an event edited behind the database's back", async () => {
    await tamperWithLedger(`UPDATE "ConsentEvent" SET method = 'staff' WHERE subject_id = $1 AND seq = 2`, [edited.id]);
    const report = await verifyLedger({ record: true });
    expect(report.ok).toBe(false);
    expect(report.broken).toEqual([expect.objectContaining({ subjectId: edited.id, seq: 2, reason: "hash_mismatch" })]);
    expect(await verifySubjectChain(edited.id)).toMatchObject({
      ok: false,
      firstBroken: { seq: 2, reason: "hash_mismatch" },
    });
    expect(await verifySubjectChain(intact.id)).toMatchObject({ ok: true, events: 3 });
    expect(await readLastLedgerVerification()).toMatchObject({
      ok: false,
      firstBroken: { subjectId: edited.id, seq: 2 },
    });
  });

  it("catches a rewrite that recomputes the edited event's own hash: the next link breaks", async () => {
    // A cleverer attacker fixes seq 2's hash too; seq 3 still points at the old one.
    const [, second] = await readConsentEvents({ subjectId: edited.id });
    await tamperWithLedger(`UPDATE "ConsentEvent" SET hash = $2 WHERE id = $1`, [
      second!.id,
      computeEventHash(second!),
    ]);
    expect(await verifySubjectChain(edited.id)).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: "prev_hash_mismatch" },
    });
  });

  it("catches events deleted from the end of a chain (the subject's head remembers)", async () => {
    await tamperWithLedger(`DELETE FROM "ConsentEvent" WHERE subject_id = $1 AND seq = 3`, [truncated.id]);
    expect(await verifySubjectChain(truncated.id)).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, reason: "missing_events" },
    });
  });

  it("catches a gap in the middle of a chain", async () => {
    gapped = await subjectWithHistory();
    await tamperWithLedger(`DELETE FROM "ConsentEvent" WHERE subject_id = $1 AND seq = 2`, [gapped.id]);
    expect(await verifySubjectChain(gapped.id)).toMatchObject({
      ok: false,
      firstBroken: { seq: 2, reason: "seq_gap" },
    });
  });

  it("reports every broken chain; `npm run ledger:verify` prints the first and exits 1", async () => {
    const report = await verifyLedger();
    const brokenIds = [edited.id, truncated.id, gapped.id].sort();
    expect(report.broken.map((link) => link.subjectId)).toEqual(brokenIds);
    expect(report.events).toBe(3 + 3 + 2 + 2);
    const first = brokenIds[0]!;
    expect(report.firstBroken?.subjectId).toBe(first);
    for (const batchSize of [2, 3]) {
      const batched = await verifyLedger({ batchSize });
      expect(batched.broken, `batches of ${batchSize}`).toEqual(report.broken);
      expect(batched.events).toBe(report.events);
    }
    const inWorkers = await verifyLedger({ readEvents: eventsInWorkers(3), batchSize: 2 });
    expect(inWorkers.broken).toEqual(report.broken);
    expect(inWorkers.events).toBe(report.events);
    const cli = runCli();
    expect(cli.status).toBe(1);
    expect(cli.output).toContain(`✖ First broken link: subject ${first}, seq ${report.firstBroken!.seq}`);
    const cliInWorkers = runCli("--workers", "3");
    expect(cliInWorkers.status).toBe(1);
    expect(cliInWorkers.output).toContain(`✖ First broken link: subject ${first}, seq ${report.firstBroken!.seq}`);
  });

  it("checks every subject's own rows: a chain deleted whole, a head rewritten, consent states added, removed or edited", async () => {
    const [emptied, removed, edited] = [
      await subjectWithHistory(),
      await subjectWithHistory(),
      await subjectWithHistory(),
    ];
    const reheaded = await subjectWithHistory();
    const before = await verifyLedger();
    await tamperWithLedger(`DELETE FROM "ConsentEvent" WHERE subject_id = $1`, [emptied.id]);
    await tamperWithLedger(`UPDATE "Subject" SET last_hash = repeat('0', 64) WHERE id = $1`, [reheaded.id]);
    await tamperWithLedger(`DELETE FROM "ConsentState" WHERE subject_id = $1 AND status = 'withdrawn'`, [removed.id]);
    await tamperWithLedger(`UPDATE "ConsentState" SET seq = seq + 1 WHERE subject_id = $1 AND status = 'withdrawn'`, [
      edited.id,
    ]);
    const report = await verifyLedger();
    expect(report.broken).toContainEqual(
      expect.objectContaining({ subjectId: emptied.id, seq: 1, reason: "missing_events" }),
    );
    expect(report.broken).toContainEqual(
      expect.objectContaining({ subjectId: reheaded.id, seq: 3, reason: "head_mismatch" }),
    );
    // Still counted: its head says it exists.
    expect(report.subjects).toBe(before.subjects);
    expect(report.projectionMismatches).toEqual(
      expect.arrayContaining([
        { subjectId: emptied.id, message: "consent state without any event" },
        { subjectId: removed.id, message: "the stored consent state differs from a rebuild from the events" },
        { subjectId: edited.id, message: "the stored consent state differs from a rebuild from the events" },
      ]),
    );
    expect(report.projectionMismatches).toHaveLength(before.projectionMismatches.length + 3);
    // With a limit, the first breaks in (subject, seq) order are kept, whatever order they were found in.
    const limited = await verifyLedger({ maxBroken: 2 });
    expect(limited.broken).toEqual(report.broken.slice(0, 2));
    expect(limited.firstBroken).toEqual(report.firstBroken);
    // Worker threads find the same, whichever range each subject fell in.
    const inWorkers = await verifyLedger({ readEvents: eventsInWorkers(4), batchSize: 3 });
    const bySubject = (list: Array<{ subjectId: string; message: string }>) =>
      list.map((item) => `${item.subjectId} ${item.message}`).sort();
    expect(inWorkers).toMatchObject({ ok: false, events: report.events, subjects: report.subjects, log: report.log });
    expect(inWorkers.broken).toEqual(report.broken);
    expect(bySubject(inWorkers.projectionMismatches)).toEqual(bySubject(report.projectionMismatches));
  });
});
