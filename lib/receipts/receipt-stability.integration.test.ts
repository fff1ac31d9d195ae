import { beforeAll, describe, expect, it } from "vitest";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { updatePurpose } from "@/lib/admin/update-purpose";
import { issueStaffReceipt } from "@/lib/compliance/issue-staff-receipt";
import { db } from "@/lib/db/client";
import { adminActor, personActor, staffActor } from "@/test/actors";
import { newSubject, seedCatalog, signUp } from "@/test/consent-fixtures";
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
    await publishPolicyVersion(
      { kind: "terms", version: "2", title: "Terms", url: "/t", text: "New terms." },
      ADMIN,
    );

    const ownAfter = await download(issueOwnReceipt(research.id, person), research.id);
    const staffAfter = await download(issueStaffReceipt(COMPLIANCE, subject.id, research.id), research.id);
    expect(ownAfter.equals(ownBefore)).toBe(true);
    expect(staffAfter.equals(staffBefore)).toBe(true);
    expect(ownAfter.toString("utf8")).not.toContain("Research partners");
    await updatePurpose({ key: "product-research", required: false }, ADMIN);
  });
});
