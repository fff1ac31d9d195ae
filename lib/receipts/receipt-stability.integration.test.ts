import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { updatePurpose } from "@/lib/admin/update-purpose";
import { issueStaffReceipt } from "@/lib/compliance/issue-staff-receipt";
import { db } from "@/lib/db/client";
import { computeEventHash, GENESIS_HASH } from "@/lib/ledger/event-hash";
import { verifySubjectChain } from "@/lib/ledger/verify-subject-chain";
import { adminActor, personActor, staffActor } from "@/test/actors";
import { newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
import type { ConsentReceipt } from "./consent-receipt";
import { issueOwnReceipt } from "./issue-own-receipt";
import { receiptFileResponse } from "./receipt-file";

const ADMIN = adminActor();
const COMPLIANCE = staffActor();

beforeAll(async () => {
  await seedCatalog();
});

/** The receipt file exactly as the download routes send it, as bytes. */
async function download(issued: Promise<Awaited<ReturnType<typeof issueOwnReceipt>>>, eventId: string) {
  const response = receiptFileResponse(await issued, eventId);
  return Buffer.from(await response.arrayBuffer());
}

describe("a receipt never changes", () => {
  it("downloads byte for byte the same after the purpose is reworded and new policies are published", async () => {
    const subject = await newSubject("receipt");
    const person = personActor(subject.auth0UserId!);
    const { events } = await signUp(subject.id, ["terms", "product-research"]);
    const { id: researchId } = await db().purpose.findUniqueOrThrow({ where: { key: "product-research" } });
    const research = events.find((event) => event.purposeId === researchId)!;

    const ownBefore = await download(issueOwnReceipt(research.id, person), research.id);
    const staffBefore = await download(issueStaffReceipt(COMPLIANCE, subject.id, research.id), research.id);
    const before = JSON.parse(ownBefore.toString("utf8")) as {
      receipt: { services: Array<{ purposes: Array<{ purpose: string }> }>; iso27560: { purposes: unknown[] } };
      jws: string;
    };
    expect(before.receipt.iso27560.purposes).toEqual([
      expect.objectContaining({
        id: "product-research",
        description: "Invite me to occasional surveys and interviews about new features.",
        version: 1,
        textSha256: research.purposeTextSha256,
      }),
    ]);
    // iat is the decision's time and jti its id: nothing in the signed payload depends on "now".
    const claims = JSON.parse(Buffer.from(before.jws.split(".")[1]!, "base64url").toString("utf8")) as {
      iat: number;
      jti: string;
    };
    expect(claims).toMatchObject({ iat: Math.floor(research.serverTime.getTime() / 1000), jti: research.id });

    // What the UX review did: reword the purpose as something else entirely …
    await updatePurpose(
      {
        key: "product-research",
        title: "Research partners",
        description: "Share my contact details with research partners and call me by phone.",
        wordingChange: "reconsent",
        changeSummary: "Partners may now call you.",
      },
      ADMIN,
    );
    // … make it required, and publish new versions of both documents.
    await updatePurpose({ key: "product-research", required: true }, ADMIN);
    await publishPolicyVersion(
      { kind: "privacy", version: "2", title: "Privacy Policy", url: "/p", text: "New." },
      ADMIN,
    );
    await publishPolicyVersion({ kind: "terms", version: "2", title: "Terms", url: "/t", text: "New terms." }, ADMIN);

    const ownAfter = await download(issueOwnReceipt(research.id, person), research.id);
    const staffAfter = await download(issueStaffReceipt(COMPLIANCE, subject.id, research.id), research.id);
    expect(ownAfter.equals(ownBefore)).toBe(true);
    expect(staffAfter.equals(staffBefore)).toBe(true);
    expect(ownAfter.toString("utf8")).not.toContain("Research partners");
    await updatePurpose({ key: "product-research", required: false }, ADMIN);
  });

  it("builds a receipt for an event recorded before purpose versions from the purpose's version 1", async () => {
    const subject = await newSubject("format-one");
    const purpose = await db().purpose.findUniqueOrThrow({ where: { key: "analytics" } });
    const first = await db().purposeVersion.findFirstOrThrow({ where: { purposeId: purpose.id, version: 1 } });
    // The row as the code before purpose versions wrote it: hash format 1, no wording named.
    const columns = {
      id: randomUUID(),
      subjectId: subject.id,
      seq: 1,
      hashVersion: 1,
      action: "granted" as const,
      purposeId: purpose.id,
      purposeVersionId: null,
      purposeTextSha256: null,
      policyVersionId: null,
      policyTextSha256: null,
      method: "migration" as const,
      actorType: "system" as const,
      actorId: "import",
      actorReason: null,
      clientTime: null,
      serverTime: new Date("2026-11-20T08:00:00.000Z"),
      ipTruncated: null,
      userAgentHash: null,
      idempotencyKey: "import-1",
      requestFingerprint: "f".repeat(64),
      prevHash: GENESIS_HASH,
    };
    const hash = computeEventHash(columns);
    await db().consentEvent.create({ data: { ...columns, hash } });
    // Queued as the log's migration queues every row recorded before it (leaf computed from the row).
    await db().logQueue.create({ data: { kind: "consent_event", rowId: columns.id, data: "" } });
    await db().subject.update({ where: { id: subject.id }, data: { lastSeq: 1, lastHash: hash } });
    expect((await verifySubjectChain(subject.id)).ok).toBe(true);

    const before = await download(issueStaffReceipt(COMPLIANCE, subject.id, columns.id), columns.id);
    const { receipt } = JSON.parse(before.toString("utf8")) as { receipt: ConsentReceipt };
    expect(receipt.ledger.hashVersion).toBe(1);
    expect(receipt.iso27560.purposes[0]).toMatchObject({ version: 1, textSha256: first.textSha256 });
    await updatePurpose({ key: "analytics", description: "Measure everything.", wordingChange: "reconsent" }, ADMIN);
    const after = await download(issueStaffReceipt(COMPLIANCE, subject.id, columns.id), columns.id);
    expect(after.equals(before)).toBe(true);
  });
});
