import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getJwks } from "@/app/api/receipts/jwks/route";
import { db } from "@/lib/db/client";
import { keyProvider } from "@/lib/keys/key-provider";
import { rotateReceiptSigningKey } from "@/lib/keys/rotate-keys";
import { newSignedUpSubject, seedCatalog } from "@/test/consent-fixtures";
import { switchToTestKeysFile } from "@/test/keys-file";
import { issueConsentReceipt } from "./issue-consent-receipt";
import { verifyConsentReceipt } from "./verify-consent-receipt";

const keysFile = switchToTestKeysFile();

/** The JWKS exactly as /api/receipts/jwks serves it. */
async function servedJwks(): Promise<JSONWebKeySet> {
  return (await (await getJwks()).json()) as JSONWebKeySet;
}

const kidOf = (jws: string) => decodeProtectedHeader(jws).kid;

async function firstEventId(subjectId: string): Promise<string> {
  return (await db().consentEvent.findFirstOrThrow({ where: { subjectId }, orderBy: { seq: "asc" } })).id;
}

beforeAll(async () => {
  await seedCatalog();
});

describe("npm run keys:rotate-receipts (rotateReceiptSigningKey)", () => {
  it("signs new receipts with a new kid while receipts signed before still verify with the served JWKS", async () => {
    const first = await newSignedUpSubject("receipt-key-1", ["terms"]);
    const before = await issueConsentReceipt(await firstEventId(first.id));
    const oldKid = kidOf(before.jws);
    expect((await servedJwks()).keys.map((key) => key.kid)).toEqual([oldKid]);

    const change = await rotateReceiptSigningKey(keyProvider());
    expect(change.stored).toBe(true);
    // The retired key's private half is gone from the file; its public half stays listed.
    const stored = JSON.parse(readFileSync(keysFile, "utf8")) as Record<string, unknown>;
    expect(stored.RECEIPT_SIGNING_KEY).toBe(change.variables.RECEIPT_SIGNING_KEY);
    expect(JSON.stringify(stored)).not.toContain("9f8e7d6c5b4a39281706f5e4d3c2b1a0");
    expect(stored.RECEIPT_RETIRED_PUBLIC_KEYS).toHaveLength(1);

    const second = await newSignedUpSubject("receipt-key-2", ["terms"]);
    const after = await issueConsentReceipt(await firstEventId(second.id));
    const newKid = kidOf(after.jws);
    expect(newKid).toBeTruthy();
    expect(newKid).not.toBe(oldKid);

    const jwks = await servedJwks();
    expect(jwks.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    expect(jwks.keys.every((key) => key.kty === "OKP" && key.alg === "EdDSA" && !("d" in key))).toBe(true);
    for (const receipt of [before, after]) {
      // A third party with only the published JWKS, and the portal's own check.
      const { payload } = await jwtVerify(receipt.jws, createLocalJWKSet(jwks), { algorithms: ["EdDSA"] });
      expect(payload.jti).toBe(receipt.receiptId);
      expect(await verifyConsentReceipt(receipt.jws)).toMatchObject({ consentReceiptID: receipt.receiptId });
    }
    // Asked again, an old decision's receipt is signed with the current key: same payload.
    const again = await issueConsentReceipt(before.receiptId);
    expect(kidOf(again.jws)).toBe(newKid);
    expect(again.jws.split(".")[1]).toBe(before.jws.split(".")[1]);

    // A second rotation keeps both older keys.
    await rotateReceiptSigningKey(keyProvider());
    expect((await servedJwks()).keys.slice(1).map((key) => key.kid)).toEqual([newKid, oldKid]);
    expect(await verifyConsentReceipt(before.jws)).toMatchObject({ consentReceiptID: before.receiptId });
  });

  it("refuses a receipt whose kid is not published", async () => {
    const subject = await newSignedUpSubject("receipt-key-3", ["terms"]);
    const { jws } = await issueConsentReceipt(await firstEventId(subject.id));
    const [, payload, signature] = jws.split(".");
    const header = Buffer.from(
      JSON.stringify({ alg: "EdDSA", kid: "unknown-kid", typ: "consent-receipt+jwt" }),
    ).toString("base64url");
    await expect(verifyConsentReceipt([header, payload, signature].join("."))).rejects.toMatchObject({
      code: "validation_failed",
    });
  });
});
