// The history the witnesses saw cannot be replaced: a database restored from an older backup, or a
// log that shows two different trees of one size to two witnesses (a fork), is detected by asking
// the witnesses themselves. Its own database and witnesses: these tests rewrite the whole log.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { verifyLedger } from "@/lib/ledger/verify-ledger";
import { formatCheckpoint } from "@/lib/tlog/checkpoint";
import { signNote } from "@/lib/tlog/note";
import { addCheckpoint } from "@/lib/witness/request-cosignature";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { startTestWitnesses, type TestWitness } from "@/test/log-witnesses";
import { asOwner } from "@/test/owner-database";
import { TEST_ENV } from "@/test/test-env";
import { integrateQueuedLeaves } from "./integrate-queued-leaves";
import { signerKeyFromSeed } from "./log-config";
import { requestCosignatures } from "./request-cosignatures";

let witnesses: TestWitness[];

beforeAll(async () => {
  // Two witnesses; one is enough for a checkpoint to be served (quorum 1).
  witnesses = await startTestWitnesses(2, { quorum: 1 });
  await seedCatalog();
  return () => Promise.all(witnesses.map((witness) => witness.stop()));
});

async function logAndWitness() {
  while ((await integrateQueuedLeaves())?.integrated) {
    // until the queue is empty
  }
  return requestCosignatures();
}

describe("the witnessed history", () => {
  it("is what the verifier compares the database with", async () => {
    await newSignedUpSubject("first", ["terms", "analytics"]);
    await newSignedUpSubject("second", ["terms"]);
    const reports = await logAndWitness();
    expect(reports.map((report) => report.outcome)).toEqual(["cosigned", "cosigned"]);
    const report = await verifyLedger();
    expect(report.log.problems).toEqual([]);
    expect(report.log.witnessedSize).toBe(report.log.size);
  });

  it("detects a fork: the log's key signs another tree of the same size for a witness that had not seen it", async () => {
    const size = Number((await db().logCheckpoint.findFirstOrThrow({ orderBy: { size: "desc" } })).size);
    // An insider holding the log's key shows a fresh witness a different history of the same size.
    const fresh = (await startTestWitnesses(1, { configure: false }))[0]!;
    try {
      const forged = signNote(
        formatCheckpoint({ origin: "localhost/consent-portal-test", size, root: new Uint8Array(32).fill(7) }),
        signerKeyFromSeed(TEST_ENV.LOG_ORIGIN, TEST_ENV.LOG_SIGNING_KEY),
      );
      const answer = await addCheckpoint(fresh.url, { oldSize: 0, consistencyProof: [], signedCheckpoint: forged });
      expect(answer.ok).toBe(true);
      // The witness refuses to go back to the real history afterwards (it would be a fork for it).
      const [real] = await db().logCheckpoint.findMany({ orderBy: { size: "desc" }, take: 1 });
      const refused = await addCheckpoint(fresh.url, {
        oldSize: size,
        consistencyProof: [],
        signedCheckpoint: real!.note,
      });
      expect(refused.ok).toBe(false);
      // The verifier, configured with this witness, sees two roots for one size.
      const report = await verifyLedger({ witnesses: [{ url: fresh.url, verifierKey: fresh.verifierKey }] });
      expect(report.log.problems.map((problem) => problem.reason)).toContain("fork");
    } finally {
      await fresh.stop();
    }
  });

  it("detects a restore from an older backup: the witnesses cosigned a larger tree than the database holds", async () => {
    const before = Number((await db().logCheckpoint.findFirstOrThrow({ orderBy: { size: "desc" } })).size);
    await newSignedUpSubject("after-backup", ["terms", "analytics"]);
    await logAndWitness();
    // Restoring the backup taken at `before`: everything logged since is gone from the database.
    await asOwner(async (owner) => {
      const evidence = ["LogLeaf", "LogCheckpoint", "LogCosignature", "ConsentEvent", "AccessLog"];
      for (const table of evidence) await owner.query(`ALTER TABLE "${table}" DISABLE TRIGGER "${table}_append_only"`);
      const { rows } = await owner.query<{ row_id: string }>(`SELECT row_id FROM "LogLeaf" WHERE log_index >= $1`, [
        before,
      ]);
      const ids = rows.map((row) => row.row_id);
      const subjects = `SELECT subject_id FROM "ConsentEvent" WHERE id = ANY($1::uuid[])`;
      await owner.query(`DELETE FROM "ConsentState" WHERE subject_id IN (${subjects})`, [ids]);
      await owner.query(`DELETE FROM "OutboxMessage" WHERE subject_id IN (${subjects})`, [ids]);
      await owner.query(`CREATE TEMP TABLE gone AS ${subjects}`, [ids]);
      await owner.query(`DELETE FROM "ConsentEvent" WHERE id = ANY($1::uuid[])`, [ids]);
      await owner.query(`DELETE FROM "AccessLog" WHERE id = ANY($1::uuid[])`, [ids]);
      await owner.query(`DELETE FROM "Subject" WHERE id IN (SELECT subject_id FROM gone)`);
      await owner.query(`DELETE FROM "LogLeaf" WHERE log_index >= $1`, [before]);
      await owner.query(`DELETE FROM "LogCosignature" WHERE size > $1`, [before]);
      await owner.query(`DELETE FROM "LogCheckpoint" WHERE size > $1`, [before]);
      for (const table of evidence)
        await owner.query(`ALTER TABLE "${table}" ENABLE ALWAYS TRIGGER "${table}_append_only"`);
    });
    const report = await verifyLedger();
    expect(report.log.size).toBe(before);
    expect(report.log.problems.map((problem) => problem.reason)).toContain("smaller_than_witnessed");
    expect(report.ok).toBe(false);
  });
});
