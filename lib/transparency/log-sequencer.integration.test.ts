import { beforeAll, describe, expect, it } from "vitest";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { db } from "@/lib/db/client";
import { fromBase64 } from "@/lib/tlog/bytes";
import { parseCheckpoint } from "@/lib/tlog/checkpoint";
import { leafHash, rootHash, verifyConsistency, verifyInclusion } from "@/lib/tlog/merkle";
import { openNote } from "@/lib/tlog/note";
import { PERSON } from "@/test/actors";
import { newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import { TEST_LOG_VERIFIER_KEY } from "@/test/test-env";
import { integrateQueuedLeaves } from "./integrate-queued-leaves";
import { consentEventLeaf } from "./leaf-data";
import { readCheckpoints } from "./read-checkpoints";
import { readLogEntries } from "./read-entries";
import { readConsistencyProof, readInclusionProof } from "./read-proofs";

const utf8 = new TextEncoder();

async function decide(count: number) {
  for (let index = 0; index < count; index += 1) {
    const subject = await newSubject();
    await signUp(subject.id, ["terms", "analytics"]);
    if (index % 3 === 0) await withdrawConsent({ subjectId: subject.id, purposes: ["analytics"] }, PERSON);
  }
}

async function allLeafHashes() {
  const entries = await readLogEntries(0, 1_000);
  return entries.map((entry) => leafHash(utf8.encode(entry.data)));
}

async function checkpointAt(size: number) {
  const [checkpoint] = await readCheckpoints({ minSize: size });
  const opened = openNote(checkpoint!.note, [TEST_LOG_VERIFIER_KEY]);
  expect(opened.verified.map((signature) => signature.name)).toEqual(["localhost/consent-portal-test"]);
  return parseCheckpoint(opened.text);
}

describe("the log sequencer", () => {
  beforeAll(async () => {
    await seedCatalog();
  });

  it("integrates every queued row in batches and signs a checkpoint whose root is the tree of the leaves", async () => {
    await decide(7);
    const queued = await db().logQueue.count();
    expect(queued).toBeGreaterThan(7);
    // Small batches: the tiles' right edge is carried from batch to batch.
    let batch = await integrateQueuedLeaves({ maxBatch: 3 });
    while (batch && batch.integrated > 0) batch = await integrateQueuedLeaves({ maxBatch: 3 });
    expect(await db().logQueue.count()).toBe(0);
    const hashes = await allLeafHashes();
    expect(hashes.length).toBe(queued);
    const checkpoint = await checkpointAt(queued);
    expect(checkpoint.size).toBe(queued);
    expect(Buffer.from(checkpoint.root).equals(Buffer.from(rootHash(hashes)))).toBe(true);
  });

  it("puts every consent event in the log exactly once, with leaf data matching the row", async () => {
    const events = await db().consentEvent.findMany();
    const leaves = await db().logLeaf.findMany({ where: { kind: "consent_event" } });
    expect(leaves.map((leaf) => leaf.rowId).sort()).toEqual(events.map((event) => event.id).sort());
    for (const leaf of leaves) {
      const data = JSON.parse(leaf.data) as { type: string; hash: string; fields: { id: string } };
      const event = events.find((candidate) => candidate.id === leaf.rowId)!;
      expect(data).toMatchObject({ type: "consent_event", hash: event.hash, fields: { id: event.id } });
    }
  });

  it("serves inclusion proofs for every leaf and consistency proofs between checkpoints that verify", async () => {
    const firstSize = (await readCheckpoints({ limit: 1 }))[0]!.size;
    const first = await checkpointAt(firstSize);
    const firstHashes = (await allLeafHashes()).slice(0, first.size);
    // Proofs in the smaller tree: the server keeps its tiles' hashes (ADR 051) as wide as they are now.
    const provesInFirst = async () => {
      for (let index = 0; index < first.size; index += 1) {
        const proof = await readInclusionProof(index, first.size);
        const leafHash = firstHashes[index]!;
        expect(verifyInclusion({ index, size: first.size, leafHash, proof, root: first.root })).toBe(true);
      }
    };
    await provesInFirst();
    await decide(5);
    await integrateQueuedLeaves({ maxBatch: 4 });
    await integrateQueuedLeaves();
    const hashes = await allLeafHashes();
    const second = await checkpointAt(hashes.length);
    for (let index = 0; index < hashes.length; index += 1) {
      const proof = await readInclusionProof(index, hashes.length);
      expect(verifyInclusion({ index, size: hashes.length, leafHash: hashes[index]!, proof, root: second.root })).toBe(
        true,
      );
    }
    // Once grown, the kept right edge was too narrow and was read again; the smaller tree still proves.
    await provesInFirst();
    const consistency = await readConsistencyProof(first.size, second.size);
    expect(
      verifyConsistency({
        size1: first.size,
        size2: second.size,
        root1: first.root,
        root2: second.root,
        proof: consistency,
      }),
    ).toBe(true);
    // A proof for a tree larger than the log is a 400 naming the field, not a 500.
    await expect(readInclusionProof(0, hashes.length + 1)).rejects.toMatchObject({
      code: "bad_request",
      field: "size",
    });
    // From the empty tree or to the same tree the proof is empty; it still needs a log that large.
    expect(await readConsistencyProof(0, second.size)).toEqual([]);
    expect(await readConsistencyProof(second.size, second.size)).toEqual([]);
    await expect(readConsistencyProof(0, second.size + 1)).rejects.toMatchObject({ code: "bad_request", field: "to" });
    expect(fromBase64("not base64!")).toBeNull();
  });

  it("lets one sequencer run at a time: concurrent runs never assign an index twice", async () => {
    await decide(6);
    // Whichever runs get the lock integrate; the others step aside (null) rather than wait.
    await Promise.all([
      integrateQueuedLeaves({ maxBatch: 2 }),
      integrateQueuedLeaves({ maxBatch: 2 }),
      integrateQueuedLeaves({ maxBatch: 2 }),
    ]);
    await integrateQueuedLeaves();
    const leaves = await db().logLeaf.findMany({ orderBy: { logIndex: "asc" } });
    expect(leaves.map((leaf) => Number(leaf.logIndex))).toEqual(leaves.map((_, index) => index));
    expect(await db().logQueue.count()).toBe(0);
  });

  it("logs rows recorded before the log existed, as its migration queued them (leaf computed from the row)", async () => {
    const subject = await newSubject();
    await signUp(subject.id, ["terms"]);
    const events = await db().consentEvent.findMany({ where: { subjectId: subject.id } });
    // As if written before the log: the writer's queue entries replaced by the migration's empty ones.
    await db().logQueue.deleteMany({ where: { rowId: { in: events.map((event) => event.id) } } });
    await db().logQueue.createMany({
      data: events.map((event) => ({ kind: "consent_event" as const, rowId: event.id, data: "" })),
    });
    await integrateQueuedLeaves();
    const leaves = await db().logLeaf.findMany({ where: { rowId: { in: events.map((event) => event.id) } } });
    expect(leaves.map((leaf) => leaf.data).sort()).toEqual(events.map((event) => consentEventLeaf(event).data).sort());
    expect(await db().logQueue.count()).toBe(0);
  });
});
