// A receipt downloaded after its decision is integrated and witnessed proves itself: the file
// the portal serves passes every check of the offline verifier (the one `npm run
// receipt:verify` and /verify run), with the portal's published keys.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { readReceiptJwks } from "@/lib/receipts/read-receipt-jwks";
import { issueConsentReceipt } from "@/lib/receipts/issue-consent-receipt";
import { receiptFileResponse } from "@/lib/receipts/receipt-file";
import { verifyReceiptFile } from "@/lib/tlog/verify-receipt";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { startTestWitnesses, type TestWitness } from "@/test/log-witnesses";
import { TEST_LOG_VERIFIER_KEY } from "@/test/test-env";
import { integrateQueuedLeaves } from "./integrate-queued-leaves";
import { requestCosignatures } from "./request-cosignatures";

let witnesses: TestWitness[];

beforeAll(async () => {
  witnesses = await startTestWitnesses(1);
  await seedCatalog();
  return () => Promise.all(witnesses.map((witness) => witness.stop()));
});

async function downloadReceipt(eventId: string) {
  const response = receiptFileResponse(await issueConsentReceipt(eventId), eventId);
  return (await response.json()) as { proof: unknown; jws: string };
}

describe("a receipt with its proof", () => {
  it("has no proof while the decision waits for the log, and says so", async () => {
    const subject = await newSignedUpSubject("pending", ["terms", "analytics"]);
    const [event] = await db().consentEvent.findMany({ where: { subjectId: subject.id } });
    const file = await downloadReceipt(event!.id);
    expect(file.proof).toBeNull();
    expect(JSON.stringify(file)).toContain("download the receipt again");
  });

  it("passes every offline check once integrated and witnessed, and a tampered copy fails", async () => {
    const subject = await newSignedUpSubject("proved", ["terms", "analytics"]);
    while ((await integrateQueuedLeaves())?.integrated) {
      // until the queue is empty
    }
    expect((await requestCosignatures()).map((report) => report.outcome)).toEqual(["cosigned"]);
    const [event] = await db().consentEvent.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
    const file = await downloadReceipt(event!.id);
    expect(file.proof).toMatchObject({ log: "localhost/consent-portal-test" });
    const keys = {
      logKey: TEST_LOG_VERIFIER_KEY,
      witnessKeys: [witnesses[0]!.verifierKey],
      jwks: (await readReceiptJwks()) as never,
    };
    const checks = await verifyReceiptFile(file, keys);
    expect(checks.filter((check) => !check.ok)).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(6);

    // The same file with another witness key: the cosignature check fails, in words.
    const stranger = await startTestWitnesses(1, { configure: false });
    try {
      const unwitnessed = await verifyReceiptFile(file, { ...keys, witnessKeys: [stranger[0]!.verifierKey] });
      expect(unwitnessed.filter((check) => !check.ok).map((check) => check.check)).toEqual(["witnesses"]);
    } finally {
      await stranger[0]!.stop();
    }
    // Downloading again gives the same signed receipt.
    expect((await downloadReceipt(event!.id)).jws).toBe(file.jws);
  });

  it("stays the same file, byte for byte, after the log grows and newer checkpoints are witnessed", async () => {
    const subject = await newSignedUpSubject("pinned", ["terms", "analytics"]);
    await integrateAndWitness();
    const [event] = await db().consentEvent.findMany({ where: { subjectId: subject.id }, orderBy: { seq: "asc" } });
    const bytes = async () =>
      Buffer.from(await receiptFileResponse(await issueConsentReceipt(event!.id), event!.id).arrayBuffer());
    const before = await bytes();
    expect((JSON.parse(before.toString("utf8")) as { proof: unknown }).proof).not.toBeNull();

    // Other people decide; the log grows and the witness cosigns a larger tree.
    await newSignedUpSubject("later", ["terms", "analytics"]);
    await integrateAndWitness();
    const after = await bytes();
    expect(after.toString("utf8")).toBe(before.toString("utf8"));
  });
});

async function integrateAndWitness() {
  while ((await integrateQueuedLeaves())?.integrated) {
    // until the queue is empty
  }
  expect((await requestCosignatures()).map((report) => report.outcome)).toEqual(["cosigned"]);
}
