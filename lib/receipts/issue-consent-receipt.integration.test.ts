import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getJwks } from "@/app/api/receipts/jwks/route";
import { grantConsent } from "@/lib/consent/grant-consent";
import { newSubject, seedCatalog } from "@/test/consent-fixtures";
import { withdrawConsent } from "@/lib/consent/withdraw-consent";
import { eraseSubject } from "@/lib/subjects/erase-subject";
import type { ConsentReceipt } from "./consent-receipt";
import { issueConsentReceipt } from "./issue-consent-receipt";
import { verifyConsentReceipt } from "./verify-consent-receipt";
import { PERSON } from "@/test/actors";

let policies: { termsId: string; privacyId: string };
let jwks: JSONWebKeySet;

beforeAll(async () => {
  policies = await seedCatalog();
  // The public keys exactly as the portal serves them.
  const response = await getJwks();
  expect(response.headers.get("content-type")).toContain("application/json");
  jwks = (await response.json()) as JSONWebKeySet;
});

describe("consent receipts", () => {
  it("publishes one Ed25519 public key, and no private part", () => {
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(jwks.keys[0]!.kid).toBeTruthy();
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("issues a signed receipt per decision that anyone can verify offline with the JWKS", async () => {
    const subject = await newSubject();
    const { events } = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms"],
        policyVersionIds: [policies.termsId],
        method: "signup",
      },
      PERSON,
    );
    const event = events[0]!;
    const { jws, receiptId } = await issueConsentReceipt(event.id);
    expect(receiptId).toBe(event.id);

    const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ["EdDSA"] });
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", kid: jwks.keys[0]!.kid, typ: "consent-receipt+jwt" });
    const receipt = payload as unknown as ConsentReceipt & { iss: string; sub: string; jti: string; iat: number };
    // Kantara Consent Receipt v1.1 fields
    expect(receipt).toMatchObject({
      version: "KI-CR-v1.1.0",
      jurisdiction: "EU",
      consentTimestamp: Math.floor(event.serverTime.getTime() / 1000),
      collectionMethod: "signup",
      consentReceiptID: event.id,
      piiPrincipalId: subject.id,
      piiControllers: [{ piiController: "Consent Portal demo controller", email: "privacy@consent-portal.example" }],
      policyUrl: "http://localhost:3999/policies/terms/1",
      services: [
        {
          service: "Consent Portal",
          purposes: [
            { purpose: "Terms of Service", purposeCategory: ["terms"], consentType: "EXPLICIT", primaryPurpose: true },
          ],
        },
      ],
      sensitive: false,
    });
    // ISO/IEC TS 27560 record fields and the link to the ledger
    expect(receipt.iso27560).toMatchObject({
      recordId: event.id,
      piiPrincipalId: subject.id,
      notice: { kind: "terms", version: "1", textSha256: event.policyTextSha256 },
      event: { type: "granted", method: "signup", time: event.serverTime.toISOString() },
      state: "active",
    });
    expect(receipt.ledger).toEqual({
      subjectId: subject.id,
      seq: 1,
      hashVersion: 2,
      hash: event.hash,
      prevHash: event.prevHash,
    });
    // The purpose wording the person was shown, with the SHA-256 the event's hash covers.
    expect(receipt.iso27560.purposes).toEqual([
      {
        id: "terms",
        description: "I agree to the Terms of Service, which govern my use of the service and my account.",
        lawfulBasis: "consent",
        required: true,
        version: 1,
        textSha256: event.purposeTextSha256,
      },
    ]);
    expect([receipt.iss, receipt.sub, receipt.jti]).toEqual(["http://localhost:3999", subject.id, event.id]);
    // No personal data beyond the pseudonymous id.
    expect(JSON.stringify(receipt)).not.toContain(subject.email!);
    expect(await verifyConsentReceipt(jws)).toMatchObject({ consentReceiptID: event.id });
  });

  it("gives the same receipt when asked again (deterministic Ed25519 over an immutable event)", async () => {
    const subject = await newSubject();
    const { events } = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms", "analytics"],
        policyVersionIds: [policies.termsId, policies.privacyId],
        method: "signup",
      },
      PERSON,
    );
    const { events: withdrawn } = await withdrawConsent(
      {
        subjectId: subject.id,
        purposes: ["analytics"],
      },
      PERSON,
    );
    const first = await issueConsentReceipt(events[0]!.id);
    expect((await issueConsentReceipt(events[0]!.id)).jws).toBe(first.jws);
    const withdrawal = await issueConsentReceipt(withdrawn[0]!.id);
    expect(withdrawal.receipt.iso27560).toMatchObject({ event: { type: "withdrawn" }, state: "withdrawn" });
  });

  it("rejects a receipt whose payload was altered", async () => {
    const subject = await newSubject();
    const { events } = await grantConsent(
      {
        subjectId: subject.id,
        purposes: ["terms"],
        policyVersionIds: [policies.termsId],
        method: "signup",
      },
      PERSON,
    );
    const { jws } = await issueConsentReceipt(events[0]!.id);
    const [header, payload, signature] = jws.split(".");
    const altered = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
    altered.collectionMethod = "staff";
    const forged = [header, Buffer.from(JSON.stringify(altered)).toString("base64url"), signature].join(".");
    await expect(jwtVerify(forged, createLocalJWKSet(jwks))).rejects.toThrow("signature verification failed");
    await expect(verifyConsentReceipt(forged)).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("has no receipt for an erasure or an unknown id", async () => {
    const subject = await newSubject();
    const { event } = await eraseSubject({ subjectId: subject.id }, PERSON);
    await expect(issueConsentReceipt(event.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(issueConsentReceipt("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
