import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { masterKeyId, wrappingKeyId } from "@/lib/crypto/wrapped-data-key";
import { db } from "@/lib/db/client";
import { keyProvider } from "@/lib/keys/key-provider";
import { retirePreviousMasterKeys, startMasterKeyRotation } from "@/lib/keys/rotate-keys";
import { openProfile } from "@/lib/subjects/subject-profile";
import { newSubject } from "@/test/consent-fixtures";
import { switchToTestKeysFile } from "@/test/keys-file";
import { TEST_ENV } from "@/test/test-env";
import { systemActor } from "@/lib/auth/actor";
import { countSubjectsToRewrap, rewrapSubjectKeys } from "./rewrap-subject-keys";

const keysFile = switchToTestKeysFile();
const OPERATOR = systemActor("keys:rewrap");
const keyA = masterKeyId(Buffer.from(TEST_ENV.LEDGER_MASTER_KEY, "hex"));

const storedKeys = () => JSON.parse(readFileSync(keysFile, "utf8")) as Record<string, unknown>;
const rows = () => db().subject.findMany({ orderBy: { id: "asc" } });

/** Every subject's email as the portal reads it now (null: unreadable or erased). */
async function readableEmails(): Promise<Array<string | null>> {
  return (await rows()).map((row) => openProfile(row)?.email ?? null);
}

describe("npm run keys:rewrap (rewrapSubjectKeys)", () => {
  it("moves every data key to a new master key in resumable batches while every profile stays readable", async () => {
    const people = [];
    for (let index = 0; index < 7; index += 1) people.push(await newSubject("rewrap"));
    // One row as written before master key ids existed: the sealed key alone.
    const legacy = await db().subject.findUniqueOrThrow({ where: { id: people[0]!.id } });
    await db().subject.update({
      where: { id: legacy.id },
      data: { wrappedKey: new Uint8Array(legacy.wrappedKey!.subarray(9)) },
    });
    const emails = people.map((person) => person.email).sort();
    expect((await rows()).map((row) => wrappingKeyId(row.wrappedKey!))).toContain(null);
    expect((await readableEmails()).toSorted()).toEqual(emails);

    const started = startMasterKeyRotation(keyProvider());
    expect(started).toMatchObject({ stored: true });
    const keyB = masterKeyId(Buffer.from(started!.variables.LEDGER_MASTER_KEY!, "hex"));
    expect(storedKeys()).toMatchObject({ LEDGER_PREVIOUS_MASTER_KEYS: [TEST_ENV.LEDGER_MASTER_KEY] });
    // A second start while one is under way changes nothing.
    expect(startMasterKeyRotation(keyProvider())).toBeNull();

    // New subjects get the new key at once; old ones still open with the previous key.
    const late = await newSubject("rewrap-late");
    emails.push(late.email);
    emails.sort();
    expect(wrappingKeyId((await db().subject.findUniqueOrThrow({ where: { id: late.id } })).wrappedKey!)).toBe(keyB);
    expect(await countSubjectsToRewrap()).toEqual({ remaining: 7, keyId: keyB });

    // The first run stops after its second batch of 2, as a killed process would.
    const seen: number[] = [];
    await expect(
      rewrapSubjectKeys({ batchSize: 2 }, OPERATOR, {
        onBatch: ({ rewrapped }) => {
          seen.push(rewrapped);
          if (rewrapped === 4) throw new Error("killed");
        },
      }),
    ).rejects.toThrow("killed");
    expect(seen).toEqual([2, 4]);
    const midway = (await rows()).map((row) => wrappingKeyId(row.wrappedKey!));
    expect(midway.filter((id) => id === keyB)).toHaveLength(5);
    expect((await readableEmails()).toSorted()).toEqual(emails);

    // Run again: it continues with the 3 left, and nothing is left behind.
    const resumed = await rewrapSubjectKeys({ batchSize: 2 }, OPERATOR);
    expect(resumed).toEqual({ rewrapped: 3, remaining: 0, keyId: keyB });
    expect((await rows()).every((row) => wrappingKeyId(row.wrappedKey!) === keyB)).toBe(true);
    expect(await rewrapSubjectKeys({}, OPERATOR)).toEqual({ rewrapped: 0, remaining: 0, keyId: keyB });

    // Each batch is on record, with the keys it moved away from.
    const changes = await db().adminChange.findMany({ where: { action: "keys.rewrap" }, orderBy: { at: "asc" } });
    expect(changes.map((change) => (change.after as { subjects: number }).subjects)).toEqual([2, 2, 2, 1]);
    expect(changes.every((change) => change.target === `LEDGER_MASTER_KEY ${keyB}`)).toBe(true);
    expect(changes[0]).toMatchObject({ actorType: "system", actorId: "keys:rewrap" });
    const movedFrom = changes.flatMap((change) => Object.entries(change.before as Record<string, number>));
    expect(movedFrom.filter(([id]) => id === "unversioned").map(([, count]) => count)).toEqual([1]);
    expect(movedFrom.reduce((sum, [id, count]) => sum + (id === keyA ? count : 0), 0)).toBe(6);

    // The old key is forgotten; everyone is still readable, under key B alone.
    expect(retirePreviousMasterKeys(keyProvider())).toMatchObject({ stored: true });
    expect(storedKeys()).toMatchObject({ LEDGER_PREVIOUS_MASTER_KEYS: [] });
    expect(storedKeys().LEDGER_MASTER_KEY).toBe(started!.variables.LEDGER_MASTER_KEY);
    expect((await readableEmails()).toSorted()).toEqual(emails);
  });

  it("never brings back a data key that an erasure destroyed while the batch waited", async () => {
    const person = await newSubject("rewrap-erased");
    startMasterKeyRotation(keyProvider());
    // An erasure holds the subject's row lock when the rewrap reaches it.
    const erasure = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await erasure.connect();
    try {
      await erasure.query("BEGIN");
      await erasure.query(`SELECT 1 FROM "Subject" WHERE id = $1 FOR UPDATE`, [person.id]);
      const rewrap = rewrapSubjectKeys({}, OPERATOR);
      await waitForLockWait();
      await erasure.query(
        `UPDATE "Subject" SET wrapped_key = NULL, profile_ciphertext = NULL, erased_at = now() WHERE id = $1`,
        [person.id],
      );
      await erasure.query("COMMIT");
      await rewrap;
    } finally {
      await erasure.end();
    }
    const row = await db().subject.findUniqueOrThrow({ where: { id: person.id } });
    expect(row.wrappedKey).toBeNull();
    expect(openProfile(row)).toBeNull();
  });
});

/** Resolves once some session waits for a row lock (the rewrap's batch behind the erasure). */
async function waitForLockWait(): Promise<void> {
  for (;;) {
    const [row] = await db().$queryRaw<[{ waiting: bigint }]>`
      SELECT count(*) AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row.waiting > 0n) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
